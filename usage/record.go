package usage

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// keyPrefix is where records live; see the package documentation for why
// no artifact key can start with it.
const keyPrefix = "_turbocache/usage/"

// indexKey is the record of replica names, for stores without a Lister.
const indexKey = keyPrefix + "replicas"

// dayLayout formats a day in record keys.
const dayLayout = "2006-01-02"

// maxRecordSize bounds what is read of one record.
const maxRecordSize = 64 << 20

// record is one replica's counts of one day, for every team.
type record struct {
	Version int                  `json:"version"`
	Day     string               `json:"day"`
	Replica string               `json:"replica"`
	Teams   map[string]Protocols `json:"teams"`
}

func dayPrefix(day string) string { return keyPrefix + day + "/" }

func recordKey(day, replica string) string { return dayPrefix(day) + replica }

// dayOf is the UTC day of t, as in record keys.
func dayOf(t time.Time) string { return t.UTC().Format(dayLayout) }

// decodeRecord reads a record, naming key in errors.
func decodeRecord(r io.Reader, key string) (*record, error) {
	var rec record
	if err := json.NewDecoder(io.LimitReader(r, maxRecordSize)).Decode(&rec); err != nil {
		return nil, fmt.Errorf("usage: record %s: %w", key, err)
	}
	if rec.Version != 1 {
		return nil, fmt.Errorf("usage: record %s: version %d, want 1", key, rec.Version)
	}
	return &rec, nil
}
