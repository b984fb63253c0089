package systest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
)

// artifact is the content the tests store under a hash: size bytes from a
// pseudo-random stream seeded by the hash, so any client can regenerate and
// check it without keeping it in memory.
type artifact struct {
	hash string
	size int64
}

// newArtifact names an artifact of size bytes after n.
func newArtifact(n uint64, size int64) artifact {
	return artifact{hash: fmt.Sprintf("%016x", n), size: size}
}

// reader yields the artifact's bytes.
func (a artifact) reader() io.Reader {
	var seed [32]byte
	copy(seed[:], a.hash)
	binary.LittleEndian.PutUint64(seed[24:], uint64(a.size))
	return io.LimitReader(rand.NewChaCha8(seed), a.size)
}

// sum is the SHA-256 digest of the artifact's bytes.
func (a artifact) sum() [sha256.Size]byte {
	h := sha256.New()
	if _, err := io.Copy(h, a.reader()); err != nil {
		panic(err) // the reader never fails
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// sumOf reads r to its end and returns its SHA-256 digest and length.
func sumOf(r io.Reader) ([sha256.Size]byte, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out, n, err
}
