package storagetest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

// body describes a deterministic pseudo-random artifact: the same seed and
// size always give the same bytes, so the suite never holds large artifacts
// in memory to compare them.
type body struct {
	seed uint64
	size int64
}

// blockSize is the length of the random block a body repeats.
const blockSize = 64 << 10

// reader yields the body's bytes: a random block chosen by the seed,
// repeated, with each repetition starting with its own index so that a
// reordered, repeated or missing block changes the content.
func (b body) reader() io.Reader {
	var key [32]byte
	key[0], key[1] = byte(b.seed), byte(b.seed>>8)
	block := make([]byte, blockSize)
	_, _ = rand.NewChaCha8(key).Read(block)
	return &bodyReader{block: block, size: b.size}
}

type bodyReader struct {
	block []byte
	size  int64
	off   int64
}

func (r *bodyReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.size-r.off)]
	n := 0
	for n < len(p) {
		within := int(r.off % blockSize)
		c := copy(p[n:], r.block[within:])
		if within < 8 {
			var index [8]byte
			binary.LittleEndian.PutUint64(index[:], uint64(r.off/blockSize))
			copy(p[n:n+c], index[within:])
		}
		n += c
		r.off += int64(c)
	}
	return n, nil
}

// sum is the SHA-256 of the body's bytes.
func (b body) sum() [32]byte {
	h := sha256.New()
	_, _ = io.Copy(h, b.reader())
	return [32]byte(h.Sum(nil))
}

// metadata returns metadata with every field set, telling bodies apart.
func (b body) metadata() storage.Metadata {
	return storage.Metadata{
		Duration:  time.Duration(b.seed+1) * 1234 * time.Millisecond,
		Tag:       fmt.Sprintf("%04d", b.seed) + strings.Repeat("T", 596),
		SHA:       fmt.Sprintf("%040x", b.seed),
		DirtyHash: fmt.Sprintf("dirty-%d", b.seed),
	}
}

// put stores b under key and fails the test on error.
func put(t *testing.T, s storage.Store, key string, b body) {
	t.Helper()
	err := s.Put(context.Background(), key, b.reader(), b.size, b.metadata())
	require.NoError(t, err, "Put(%q, %d bytes)", key, b.size)
}

// requireStored checks that Stat and Get of key report b exactly.
func requireStored(t *testing.T, s storage.Store, key string, b body) {
	t.Helper()
	ctx := context.Background()
	info, err := s.Stat(ctx, key)
	require.NoError(t, err, "Stat(%q)", key)
	require.Equal(t, b.size, info.Size, "Stat(%q).Size", key)
	require.Equal(t, b.metadata(), info.Metadata, "Stat(%q).Metadata", key)

	rc, info, err := s.Get(ctx, key)
	require.NoError(t, err, "Get(%q)", key)
	defer rc.Close()
	require.Equal(t, b.size, info.Size, "Get(%q) Info.Size", key)
	require.Equal(t, b.metadata(), info.Metadata, "Get(%q) Info.Metadata", key)
	h := sha256.New()
	n, err := io.Copy(h, rc)
	require.NoError(t, err, "reading Get(%q)", key)
	require.Equal(t, b.size, n, "bytes read from Get(%q)", key)
	require.Equal(t, b.sum(), [32]byte(h.Sum(nil)), "content of Get(%q)", key)
}

// requireMissing checks that Stat and Get report key as not found.
func requireMissing(t *testing.T, s storage.Store, key string) {
	t.Helper()
	ctx := context.Background()
	_, err := s.Stat(ctx, key)
	require.ErrorIs(t, err, storage.ErrNotFound, "Stat(%q)", key)
	rc, _, err := s.Get(ctx, key)
	if err == nil {
		rc.Close()
	}
	require.ErrorIs(t, err, storage.ErrNotFound, "Get(%q)", key)
}

// requireKeys checks, for a Lister, that exactly keys are listed.
func requireKeys(t *testing.T, s storage.Store, keys ...string) {
	t.Helper()
	l, ok := s.(storage.Lister)
	if !ok {
		return
	}
	require.ElementsMatch(t, keys, listKeys(t, l, ""), "List(\"\")")
}

func listKeys(t *testing.T, l storage.Lister, prefix string) []string {
	t.Helper()
	keys := []string{}
	for obj, err := range l.List(context.Background(), prefix) {
		require.NoError(t, err, "List(%q)", prefix)
		keys = append(keys, obj.Key)
	}
	return keys
}

// Body returns a reader of size pseudo-random bytes, the same for the same
// seed, that holds none of them but one 64 KiB block: the suite's artifact
// bodies, for a driver's or a handler's own tests of large uploads.
func Body(seed uint64, size int64) io.Reader { return body{seed: seed, size: size}.reader() }
