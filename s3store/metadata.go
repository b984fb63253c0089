package s3store

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// User metadata names. S3 lower-cases them, so they are lower-case here and
// looked up without regard to case.
const (
	metaDuration  = "artifact-duration-ns"
	metaTag       = "artifact-tag"
	metaSHA       = "artifact-sha"
	metaDirtyHash = "artifact-dirty-hash"
)

// maxMetadataBytes is S3's limit on the user metadata of one object, names
// and values together.
const maxMetadataBytes = 2048

// encodeMetadata turns md into S3 user metadata, leaving out empty fields.
func encodeMetadata(md storage.Metadata) (map[string]string, error) {
	m := make(map[string]string, 4)
	if md.Duration != 0 {
		m[metaDuration] = strconv.FormatInt(int64(md.Duration), 10)
	}
	for name, v := range map[string]string{metaTag: md.Tag, metaSHA: md.SHA, metaDirtyHash: md.DirtyHash} {
		if v != "" {
			m[name] = encodeValue(v)
		}
	}
	total := 0
	for name, v := range m {
		total += len(name) + len(v)
	}
	if total > maxMetadataBytes {
		return nil, fmt.Errorf("%w: metadata takes %d bytes, over S3's limit of %d", storage.ErrTooLarge, total, maxMetadataBytes)
	}
	return m, nil
}

// decodeMetadata reads what encodeMetadata wrote.
func decodeMetadata(m map[string]string) (storage.Metadata, error) {
	var md storage.Metadata
	for name, v := range m {
		switch strings.ToLower(name) {
		case metaDuration:
			ns, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return md, fmt.Errorf("user metadata %s=%q: %w", metaDuration, v, err)
			}
			md.Duration = time.Duration(ns)
		case metaTag:
			md.Tag = decodeValue(v)
		case metaSHA:
			md.SHA = decodeValue(v)
		case metaDirtyHash:
			md.DirtyHash = decodeValue(v)
		}
	}
	return md, nil
}

// Values that would not survive as header values are stored as one
// base64 word in the form of RFC 2047, which S3 itself uses for non-ASCII
// metadata.
const (
	encodedPrefix = "=?utf-8?b?"
	encodedSuffix = "?="
)

// encodeValue keeps printable ASCII as it is, since that is all an HTTP
// header carries unchanged, and encodes anything else.
func encodeValue(v string) string {
	if plainValue(v) {
		return v
	}
	return encodedPrefix + base64.StdEncoding.EncodeToString([]byte(v)) + encodedSuffix
}

// decodeValue reverses encodeValue. A value that does not decode is
// returned as it is.
func decodeValue(v string) string {
	inner, ok := strings.CutPrefix(v, encodedPrefix)
	if !ok {
		return v
	}
	inner, ok = strings.CutSuffix(inner, encodedSuffix)
	if !ok {
		return v
	}
	decoded, err := base64.StdEncoding.DecodeString(inner)
	if err != nil {
		return v
	}
	return string(decoded)
}

// plainValue reports whether v survives as a header value unchanged and
// cannot be mistaken for an encoded one.
func plainValue(v string) bool {
	if strings.HasPrefix(v, "=?") || strings.TrimSpace(v) != v {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	return true
}
