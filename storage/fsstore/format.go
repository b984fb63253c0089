package fsstore

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// An artifact file is laid out as follows (all integers little-endian):
//
//	offset 0   8 bytes   magic: "TCACHE" 0x00 0x02 (format version 2)
//	offset 8   4 bytes   n: the length of the metadata
//	offset 12  4 bytes   CRC-32C (Castagnoli) of the artifact's bytes
//	offset 16  8 bytes   the artifact's length
//	offset 24  n bytes   metadata: the duration in nanoseconds (8 bytes), then
//	                     tag, SHA and dirty hash, each a 2-byte length and its bytes
//	offset 24+n          the artifact's bytes, to the end of the file
//
// The checksum and the length are written last, once the artifact's bytes
// are: a file that a power loss left truncated, zero-filled or with old
// blocks fails the length check at once, or the checksum when it is
// verified (see durability.go). Its creation time is the file's
// modification time.
//
// Version 1 files (magic "TCACHE" 0x00 0x01, then n, then n bytes of JSON
// metadata, then the artifact's bytes) are read as they are; they carry no
// checksum, and were synced before they were renamed into place.
const (
	magic      = "TCACHE\x00\x02"
	magicV1    = "TCACHE\x00\x01"
	prefixLen  = len(magic) + 4 + 4 + 8
	maxMetaLen = 64 << 10
)

// The offsets of the checksum and length fields.
const (
	crcOffset = 12
	lenOffset = 16
)

// castagnoli is the CRC-32C table: hardware-accelerated on amd64 and arm64.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt is wrapped by errors about files that are not artifacts.
var errCorrupt = errors.New("fsstore: not an artifact file")

// header is what the start of an artifact file says.
type header struct {
	md     storage.Metadata
	offset int64  // of the artifact's first byte
	size   int64  // the artifact's length; -1 for version 1 files
	crc    uint32 // of the artifact's bytes (version 2)
}

// encodeHeader returns the header that precedes an artifact with metadata
// md, with its checksum and length left zero for setTrailer to fill in.
func encodeHeader(md storage.Metadata) ([]byte, error) {
	n := 8
	for _, s := range []string{md.Tag, md.SHA, md.DirtyHash} {
		if len(s) > 1<<16-1 {
			return nil, fmt.Errorf("metadata field of %d bytes exceeds %d", len(s), 1<<16-1)
		}
		n += 2 + len(s)
	}
	h := make([]byte, prefixLen, prefixLen+n)
	copy(h, magic)
	binary.LittleEndian.PutUint32(h[len(magic):], uint32(n))
	h = binary.LittleEndian.AppendUint64(h, uint64(md.Duration))
	for _, s := range []string{md.Tag, md.SHA, md.DirtyHash} {
		h = binary.LittleEndian.AppendUint16(h, uint16(len(s)))
		h = append(h, s...)
	}
	return h, nil
}

// sealed returns the checksum and length fields of a finished artifact, to
// be written at crcOffset.
func sealed(crc uint32, size int64) []byte {
	b := binary.LittleEndian.AppendUint32(nil, crc)
	return binary.LittleEndian.AppendUint64(b, uint64(size))
}

// readHeader reads the header at the start of r.
func readHeader(r io.ReaderAt) (header, error) {
	var buf [1024]byte
	n, err := r.ReadAt(buf[:], 0)
	if err != nil && err != io.EOF {
		return header{}, err
	}
	if n >= len(magicV1) && string(buf[:len(magicV1)]) == magicV1 {
		return readHeaderV1(r, buf[:n])
	}
	if n < prefixLen || string(buf[:len(magic)]) != magic {
		return header{}, errCorrupt
	}
	metaLen := int(binary.LittleEndian.Uint32(buf[len(magic):]))
	if metaLen > maxMetaLen || metaLen < 8 {
		return header{}, fmt.Errorf("%w: metadata length %d", errCorrupt, metaLen)
	}
	h := header{
		offset: int64(prefixLen + metaLen),
		crc:    binary.LittleEndian.Uint32(buf[crcOffset:]),
		size:   int64(binary.LittleEndian.Uint64(buf[lenOffset:])),
	}
	meta := buf[prefixLen:n]
	if len(meta) < metaLen {
		meta = make([]byte, metaLen)
		if _, err := r.ReadAt(meta, int64(prefixLen)); err != nil {
			return header{}, fmt.Errorf("%w: %w", errCorrupt, err)
		}
	}
	if h.md, err = decodeMetadata(meta[:metaLen]); err != nil {
		return header{}, err
	}
	return h, nil
}

// decodeMetadata decodes the binary metadata of a version 2 header.
func decodeMetadata(b []byte) (storage.Metadata, error) {
	md := storage.Metadata{Duration: time.Duration(binary.LittleEndian.Uint64(b))}
	b = b[8:]
	for _, dst := range []*string{&md.Tag, &md.SHA, &md.DirtyHash} {
		if len(b) < 2 {
			return storage.Metadata{}, fmt.Errorf("%w: metadata cut short", errCorrupt)
		}
		n := int(binary.LittleEndian.Uint16(b))
		if len(b) < 2+n {
			return storage.Metadata{}, fmt.Errorf("%w: metadata cut short", errCorrupt)
		}
		*dst = string(b[2 : 2+n])
		b = b[2+n:]
	}
	if len(b) != 0 {
		return storage.Metadata{}, fmt.Errorf("%w: %d bytes after the metadata", errCorrupt, len(b))
	}
	return md, nil
}

// fileMetadataV1 is the JSON metadata of a version 1 header:
// storage.Metadata with other tags, so that each converts to the other.
type fileMetadataV1 struct {
	Duration  time.Duration `json:"duration_ns,omitempty"`
	Tag       string        `json:"tag,omitempty"`
	SHA       string        `json:"sha,omitempty"`
	DirtyHash string        `json:"dirty_hash,omitempty"`
}

// readHeaderV1 reads a version 1 header, whose first bytes are in buf.
func readHeaderV1(r io.ReaderAt, buf []byte) (header, error) {
	const v1PrefixLen = len(magicV1) + 4
	if len(buf) < v1PrefixLen {
		return header{}, errCorrupt
	}
	metaLen := int(binary.LittleEndian.Uint32(buf[len(magicV1):]))
	if metaLen > maxMetaLen {
		return header{}, fmt.Errorf("%w: metadata length %d", errCorrupt, metaLen)
	}
	meta := buf[v1PrefixLen:]
	if len(meta) < metaLen {
		meta = make([]byte, metaLen)
		if _, err := r.ReadAt(meta, int64(v1PrefixLen)); err != nil {
			return header{}, fmt.Errorf("%w: %w", errCorrupt, err)
		}
	}
	var fm fileMetadataV1
	if err := json.Unmarshal(meta[:metaLen], &fm); err != nil {
		return header{}, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	return header{
		md:     storage.Metadata(fm),
		offset: int64(v1PrefixLen + metaLen),
		size:   -1,
	}, nil
}
