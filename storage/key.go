package storage

import (
	"errors"
	"fmt"
	"strings"
)

// MaxKeyLen is the longest key, in bytes, that ValidKey accepts. It leaves
// room under the tightest backend limit (Workers KV: 512 bytes) for a
// driver's own prefix and suffixes.
const MaxKeyLen = 256

// MaxSegmentLen is the longest segment, in bytes, that ValidKey accepts. It
// keeps every segment a valid file name, with room for the suffix of a
// temporary file, on file systems that limit names to 255 bytes.
const MaxSegmentLen = 200

// ErrInvalidKey is wrapped by errors that report a key ValidKey rejects.
var ErrInvalidKey = errors.New("storage: invalid key")

// ValidKey reports whether key may name an artifact, and why not.
//
// A key is one or more segments separated by '/'. Each segment is made of
// ASCII letters, digits, '.', '_' and '-', and is neither empty, "." nor "..".
// Segments are at most MaxSegmentLen bytes, the whole key at most
// MaxKeyLen. Such a key means the same thing as a file path, an S3 object
// name and a KV key, so it cannot climb out of the directory, prefix or
// namespace a driver puts it in.
func ValidKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	if len(key) > MaxKeyLen {
		return fmt.Errorf("%w %.32q...: %d bytes, longer than %d", ErrInvalidKey, key, len(key), MaxKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; !keyByte(c) && c != '/' {
			return fmt.Errorf("%w %q: byte %q at offset %d is not allowed", ErrInvalidKey, key, c, i)
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return fmt.Errorf("%w %q: empty segment", ErrInvalidKey, key)
		case ".", "..":
			return fmt.Errorf("%w %q: segment %q is not allowed", ErrInvalidKey, key, seg)
		}
		if len(seg) > MaxSegmentLen {
			return fmt.Errorf("%w %.32q...: a segment of %d bytes, longer than %d",
				ErrInvalidKey, key, len(seg), MaxSegmentLen)
		}
	}
	return nil
}

// keyByte reports whether c may appear in a key segment.
func keyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '-'
}
