package fsstore

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// An artifact file is laid out as follows (all integers little-endian):
//
//	offset 0   8 bytes   magic: "TCACHE" 0x00 0x01 (format version 1)
//	offset 8   4 bytes   n: the length of the metadata JSON
//	offset 12  n bytes   metadata JSON: {"duration_ns":…,"tag":…,"sha":…,"dirty_hash":…}
//	offset 12+n          the artifact's bytes, to the end of the file
//
// The artifact's size is the file's size minus 12+n; its creation time is
// the file's modification time.
const (
	magic      = "TCACHE\x00\x01"
	prefixLen  = len(magic) + 4
	maxMetaLen = 64 << 10
)

// errCorrupt is wrapped by errors about files that are not artifacts.
var errCorrupt = errors.New("fsstore: not an artifact file")

// fileMetadata is the JSON form of storage.Metadata in a file header.
type fileMetadata struct {
	DurationNS int64  `json:"duration_ns,omitempty"`
	Tag        string `json:"tag,omitempty"`
	SHA        string `json:"sha,omitempty"`
	DirtyHash  string `json:"dirty_hash,omitempty"`
}

// encodeHeader returns the header that precedes an artifact with metadata md.
func encodeHeader(md storage.Metadata) ([]byte, error) {
	meta, err := json.Marshal(fileMetadata{
		DurationNS: int64(md.Duration),
		Tag:        md.Tag,
		SHA:        md.SHA,
		DirtyHash:  md.DirtyHash,
	})
	if err != nil {
		return nil, err
	}
	if len(meta) > maxMetaLen {
		return nil, fmt.Errorf("metadata of %d bytes exceeds %d", len(meta), maxMetaLen)
	}
	h := make([]byte, prefixLen, prefixLen+len(meta))
	copy(h, magic)
	binary.LittleEndian.PutUint32(h[len(magic):], uint32(len(meta)))
	return append(h, meta...), nil
}

// readHeader reads the header at the start of r and returns the metadata and
// the offset of the artifact's first byte.
func readHeader(r io.ReaderAt) (storage.Metadata, int64, error) {
	var buf [1024]byte
	n, err := r.ReadAt(buf[:], 0)
	if err != nil && err != io.EOF {
		return storage.Metadata{}, 0, err
	}
	if n < prefixLen || string(buf[:len(magic)]) != magic {
		return storage.Metadata{}, 0, errCorrupt
	}
	metaLen := int(binary.LittleEndian.Uint32(buf[len(magic):prefixLen]))
	if metaLen > maxMetaLen {
		return storage.Metadata{}, 0, fmt.Errorf("%w: metadata length %d", errCorrupt, metaLen)
	}
	meta := buf[prefixLen:n]
	if len(meta) < metaLen {
		meta = make([]byte, metaLen)
		if _, err := r.ReadAt(meta, int64(prefixLen)); err != nil {
			return storage.Metadata{}, 0, fmt.Errorf("%w: %w", errCorrupt, err)
		}
	}
	var fm fileMetadata
	if err := json.Unmarshal(meta[:metaLen], &fm); err != nil {
		return storage.Metadata{}, 0, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	md := storage.Metadata{
		Duration:  time.Duration(fm.DurationNS),
		Tag:       fm.Tag,
		SHA:       fm.SHA,
		DirtyHash: fm.DirtyHash,
	}
	return md, int64(prefixLen + metaLen), nil
}
