package load

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	mrand "math/rand/v2"
)

// corpus is incompressible data that artifacts are cut from: artifact i of
// size n is the n bytes at offset i*stride, so artifacts differ from one
// another without each needing its own memory.
type corpus struct {
	data   []byte
	stride int
}

func newCorpus(size, stride, count int) *corpus {
	var seed [32]byte
	_, _ = rand.Read(seed[:])
	data := make([]byte, size+stride*count)
	_, _ = mrand.NewChaCha8(seed).Read(data)
	return &corpus{data: data, stride: stride}
}

// artifact returns the i-th artifact of size bytes and its SHA-256.
func (c *corpus) artifact(i, size int) ([]byte, [sha256.Size]byte) {
	off := (i * c.stride) % (len(c.data) - size + 1)
	b := c.data[off : off+size]
	return b, sha256.Sum256(b)
}

// hashes returns n random 16-digit hashes, fresh for every run so that
// runs never see each other's artifacts.
func hashes(n int) []string {
	out := make([]string, n)
	for i := range out {
		var b [8]byte
		_, _ = rand.Read(b[:])
		out[i] = hex.EncodeToString(b[:])
	}
	return out
}
