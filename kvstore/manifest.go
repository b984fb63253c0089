package kvstore

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/turbocache/turbocache/storage"
)

const (
	// maxManifestLine bounds the JSON line in front of an artifact's bytes.
	maxManifestLine = 16 << 10
	// maxKVMetadata is KV's limit on a key's serialized metadata.
	maxKVMetadata = 1024
	// partPrefix starts every part key. '~' sorts after every byte a
	// storage key may hold and never appears in one.
	partPrefix = "~part/"
	// manifestVersion is written in every manifest; others are refused.
	manifestVersion = 1
)

// manifest describes a stored artifact. Its JSON is the first line of the
// value under the artifact's key; the same JSON, without the metadata fields
// when they would not fit, is that key's KV metadata.
type manifest struct {
	Version int       `json:"v"`
	Size    int64     `json:"size"`
	Created time.Time `json:"created"`
	metadata
	// Upload names the Put that wrote the artifact; part keys contain it.
	Upload string `json:"up"`
	// Parts is the number of parts; zero means the bytes follow the line.
	Parts int `json:"parts,omitempty"`
	// PartSize is the size of every part but the last.
	PartSize int64 `json:"psize,omitempty"`
	// Partial marks KV metadata that leaves out the metadata fields.
	Partial bool `json:"partial,omitempty"`
}

// metadata is storage.Metadata with the manifest's JSON names. The two
// types differ only in their tags, so each converts to the other; a field
// added to storage.Metadata stops the conversion compiling until the
// manifest has a name for it. Embedded, its fields stand in the manifest's
// JSON where the struct stands.
type metadata struct {
	Duration  time.Duration `json:"dur,omitempty"` // nanoseconds
	Tag       string        `json:"tag,omitempty"`
	SHA       string        `json:"sha,omitempty"`
	DirtyHash string        `json:"dirty,omitempty"`
}

func (m *manifest) info() storage.Info {
	return storage.Info{Size: m.Size, Created: m.Created, Metadata: storage.Metadata(m.metadata)}
}

// line encodes m as the manifest line, newline included.
func (m *manifest) line() ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(b) >= maxManifestLine {
		return nil, fmt.Errorf("metadata takes %d bytes encoded, more than %d", len(b), maxManifestLine-1)
	}
	return append(b, '\n'), nil
}

// kvMetadata encodes what goes into the KV metadata of the manifest's key:
// the whole manifest if it fits in KV's limit, else all but the metadata.
func (m *manifest) kvMetadata() ([]byte, error) {
	if b, err := json.Marshal(m); err != nil || len(b) <= maxKVMetadata {
		return b, err
	}
	short := *m
	short.metadata, short.Partial = metadata{}, true
	return json.Marshal(&short)
}

// check refuses a manifest this version cannot read.
func (m *manifest) check() error {
	switch {
	case m.Version != manifestVersion:
		return fmt.Errorf("manifest version %d is not %d", m.Version, manifestVersion)
	case m.Size < 0 || m.Parts < 0 || m.Parts > 0 && m.PartSize <= 0:
		return fmt.Errorf("manifest is inconsistent: size %d, %d parts of %d bytes", m.Size, m.Parts, m.PartSize)
	case m.Parts > 0 && (int64(m.Parts-1)*m.PartSize >= m.Size || int64(m.Parts)*m.PartSize < m.Size):
		return fmt.Errorf("manifest is inconsistent: size %d does not fit %d parts of %d bytes", m.Size, m.Parts, m.PartSize)
	}
	return nil
}

// readManifest reads the manifest line at the start of a value.
func readManifest(r *bufio.Reader) (*manifest, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return nil, fmt.Errorf("read manifest line: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(bytes.TrimSuffix(line, []byte{'\n'}), &m); err != nil {
		return nil, fmt.Errorf("decode manifest: %w", err)
	}
	return &m, m.check()
}

// partLen is the length of part n of m.
func (m *manifest) partLen(n int) int64 {
	if n < m.Parts-1 {
		return m.PartSize
	}
	return m.Size - int64(m.Parts-1)*m.PartSize
}

// partKey is the KV key of part n of the upload up of key.
func partKey(key, up string, n int) string {
	return partKeyPrefix(key, up) + strconv.Itoa(n)
}

// partKeyPrefix is what the keys of every part of one upload start with.
func partKeyPrefix(key, up string) string {
	return partPrefix + key + "~" + up + "."
}

// partKeys lists the keys of m's parts.
func (m *manifest) partKeys(key string) []string {
	keys := make([]string, m.Parts)
	for i := range keys {
		keys[i] = partKey(key, m.Upload, i)
	}
	return keys
}

// newUploadID returns a random name for one Put.
func newUploadID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
