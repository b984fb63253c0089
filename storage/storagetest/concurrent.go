package storagetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

// testConcurrentOverwrite has 16 goroutines put distinct bodies to one key
// while others read it. Every read that succeeds must return one whole body
// with that body's own metadata.
func testConcurrentOverwrite(t *testing.T, s storage.Store) {
	const (
		writers = 16
		rounds  = 3
		readers = 4
		key     = "team/contended"
	)
	bodies := make(map[string]body) // by Metadata.SHA
	sums := make(map[string][32]byte)
	for i := range writers + 1 {
		b := body{seed: uint64(100 + i), size: int64(256<<10 + i*1021)}
		bodies[b.metadata().SHA] = b
		sums[b.metadata().SHA] = b.sum()
	}
	put(t, s, key, body{seed: 100, size: 256 << 10})

	ctx := context.Background()
	var (
		done     atomic.Bool
		whole    atomic.Int64
		failed   atomic.Int64
		writerWG sync.WaitGroup
		readerWG sync.WaitGroup
		torn     = make(chan string, readers)
	)
	for i := 1; i <= writers; i++ {
		writerWG.Go(func() {
			b := body{seed: uint64(100 + i), size: int64(256<<10 + i*1021)}
			for range rounds {
				if err := s.Put(ctx, key, b.reader(), b.size, b.metadata()); err != nil {
					t.Errorf("concurrent Put of body %d: %v", i, err)
				}
			}
		})
	}
	for range readers {
		readerWG.Go(func() {
			for !done.Load() {
				msg, err := readOnce(ctx, s, key, bodies, sums)
				switch {
				case msg != "":
					torn <- msg
					return
				case err != nil:
					failed.Add(1)
				default:
					whole.Add(1)
				}
			}
		})
	}
	writerWG.Wait()
	done.Store(true)
	readerWG.Wait()
	close(torn)
	for msg := range torn {
		t.Error(msg)
	}
	require.NotZero(t, whole.Load(), "no read succeeded while the key was being overwritten")
	t.Logf("%d whole reads, %d failed reads during %d concurrent writes", whole.Load(), failed.Load(), writers*rounds)

	final, err := s.Stat(ctx, key)
	require.NoError(t, err)
	requireStored(t, s, key, bodies[final.SHA])
	requireKeys(t, s, key)
}

// readOnce reads key and returns a description of a torn artifact, or an
// error for a read that failed cleanly.
func readOnce(ctx context.Context, s storage.Store, key string, bodies map[string]body, sums map[string][32]byte) (string, error) {
	rc, info, err := s.Get(ctx, key)
	if err != nil {
		return "", err // a miss or a failure: not a torn artifact
	}
	defer rc.Close()
	b, ok := bodies[info.SHA]
	if !ok {
		return fmt.Sprintf("Get(%q) returned metadata of no body that was put: %+v", key, info.Metadata), nil
	}
	if info.Metadata != b.metadata() || info.Size != b.size {
		return fmt.Sprintf("Get(%q) mixed the metadata of two Puts: %+v, size %d", key, info.Metadata, info.Size), nil
	}
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return "", err // a clean failure, not a torn artifact
	}
	if n != b.size || [32]byte(h.Sum(nil)) != sums[info.SHA] {
		return fmt.Sprintf("Get(%q) returned %d bytes that are not the body its metadata names (%d bytes)", key, n, b.size), nil
	}
	return "", nil
}
