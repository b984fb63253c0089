package fsstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// artifactBytes is the size of the file of an artifact of n bytes with no
// metadata: n and a header of 38 bytes (24, and 14 of empty metadata).
func artifactBytes(n int) int64 { return int64(n) + 38 }

func TestBoundedConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return open(t, t.TempDir(), &fsstore.Options{MaxSize: 1 << 30})
	})
}

func put(t testing.TB, s storage.Store, key string, n int) {
	t.Helper()
	body := bytes.Repeat([]byte{key[len(key)-1]}, n)
	require.NoError(t, s.Put(context.Background(), key, bytes.NewReader(body), int64(n), storage.Metadata{}))
}

func has(s storage.Store, key string) bool {
	_, err := s.Stat(context.Background(), key)
	return err == nil
}

func TestBoundEvictsLeastRecentlyUsed(t *testing.T) {
	const n = 1000
	s := open(t, t.TempDir(), &fsstore.Options{MaxSize: 3 * artifactBytes(n)})
	ctx := context.Background()
	put(t, s, "team/a", n)
	put(t, s, "team/b", n)
	put(t, s, "team/c", n)
	// a is used again, by a Get; b is now the least recently used.
	rc, _, err := s.Get(ctx, "team/a")
	require.NoError(t, err)
	rc.Close()
	put(t, s, "team/d", n)
	assert.False(t, has(s, "team/b"), "the least recently used artifact is evicted")
	// A Stat (HEAD, batch query) is a use too: c is kept, a goes.
	_, err = s.Stat(ctx, "team/c")
	require.NoError(t, err)
	put(t, s, "team/e", n)
	assert.False(t, has(s, "team/a"))
	for _, key := range []string{"team/c", "team/d", "team/e"} {
		assert.True(t, has(s, key), key)
	}
	u := s.Usage()
	assert.Equal(t, storage.Usage{Bytes: 3 * artifactBytes(n), Artifacts: 3, MaxBytes: 3 * artifactBytes(n), Evictions: 2}, u)
}

func TestBoundOverwriteCountsOnce(t *testing.T) {
	s := open(t, t.TempDir(), &fsstore.Options{MaxSize: 2 * artifactBytes(100)})
	put(t, s, "team/a", 100)
	put(t, s, "team/b", 100)
	put(t, s, "team/b", 100) // replaces itself: nothing to evict
	assert.True(t, has(s, "team/a"))
	assert.Equal(t, int64(0), s.Usage().Evictions)
	assert.Equal(t, 2*artifactBytes(100), s.Usage().Bytes)
}

// failingReader fails the test if the store reads it.
type failingReader struct{ t *testing.T }

func (r failingReader) Read([]byte) (int, error) {
	r.t.Error("the body of an artifact larger than the bound was read")
	return 0, errors.New("read")
}

func TestBoundRefusesLargerArtifacts(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, &fsstore.Options{MaxSize: 1000})
	put(t, s, "team/kept", 10)
	ctx := context.Background()

	err := s.Put(ctx, "team/big", failingReader{t}, 1001, storage.Metadata{})
	require.ErrorIs(t, err, storage.ErrTooLarge)
	assert.ErrorContains(t, err, "bound of 1000")

	// Of unknown size: refused once written, and nothing is left.
	err = s.Put(ctx, "team/big", bytes.NewReader(make([]byte, 995)), -1, storage.Metadata{})
	require.ErrorIs(t, err, storage.ErrTooLarge)
	// Far larger: refused without reading it all.
	r := &countingReader{r: storagetest.Body(0, 64<<20)}
	err = s.Put(ctx, "team/big", r, -1, storage.Metadata{})
	require.ErrorIs(t, err, storage.ErrTooLarge)
	assert.Less(t, r.n, int64(1<<20), "bytes read of an artifact of unknown size over the bound")
	assert.False(t, has(s, "team/big"))
	assert.True(t, has(s, "team/kept"), "a refused artifact evicts nothing")
	entries, err := os.ReadDir(filepath.Join(dir, "team"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "temporary files left")
}

func TestBoundKeepsDownloadsInProgress(t *testing.T) {
	const n = 64 << 10
	s := open(t, t.TempDir(), &fsstore.Options{MaxSize: 2 * artifactBytes(n)})
	ctx := context.Background()
	put(t, s, "team/a", n)
	rc, _, err := s.Get(ctx, "team/a")
	require.NoError(t, err)
	defer rc.Close()
	first := make([]byte, 10)
	_, err = io.ReadFull(rc, first)
	require.NoError(t, err)

	put(t, s, "team/b", n)
	put(t, s, "team/c", n) // evicts a, which is being read
	require.False(t, has(s, "team/a"))

	rest, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Equal(t, bytes.Repeat([]byte{'a'}, n), append(first, rest...), "the download in progress is whole")
}

func TestBoundSurvivesRestart(t *testing.T) {
	const n = 1000
	dir := t.TempDir()
	opts := &fsstore.Options{MaxSize: 3 * artifactBytes(n)}
	s, err := fsstore.Open(dir, opts)
	require.NoError(t, err)
	put(t, s, "team/a", n)
	time.Sleep(10 * time.Millisecond) // distinct access times
	put(t, s, "team/b", n)
	time.Sleep(10 * time.Millisecond)
	put(t, s, "team/c", n)
	time.Sleep(10 * time.Millisecond)
	rc, _, err := s.Get(context.Background(), "team/a") // the order is now b, c, a
	require.NoError(t, err)
	rc.Close()
	require.NoError(t, s.Close()) // writes the access times

	s = open(t, dir, opts)
	assert.Equal(t, storage.Usage{Bytes: 3 * artifactBytes(n), Artifacts: 3, MaxBytes: 3 * artifactBytes(n)}, s.Usage())
	put(t, s, "team/d", n)
	assert.False(t, has(s, "team/b"), "the least recently used before the restart goes first")
	assert.True(t, has(s, "team/a"), "the use before the restart is remembered")

	info, err := os.Stat(filepath.Join(dir, "team/a"))
	require.NoError(t, err)
	assert.Less(t, time.Since(info.ModTime()), time.Minute)
}

func TestBoundShrinksAtOpen(t *testing.T) {
	dir := t.TempDir()
	s, err := fsstore.Open(dir, nil)
	require.NoError(t, err)
	for _, key := range []string{"team/a", "team/b", "team/c", "team/d"} {
		put(t, s, key, 1000)
	}
	require.NoError(t, s.Close())

	s = open(t, dir, &fsstore.Options{MaxSize: 2 * artifactBytes(1000)})
	u := s.Usage()
	assert.Equal(t, int64(2), u.Artifacts)
	assert.Equal(t, int64(2), u.Evictions)
	assert.LessOrEqual(t, diskBytes(t, dir), 2*artifactBytes(1000))
}

// diskBytes adds up the sizes of the regular files below dir, temporary
// files included.
func diskBytes(t testing.TB, dir string) int64 {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() && !isCheckpoint(d.Name()) {
			if fi, err := d.Info(); err == nil {
				total += fi.Size()
			}
		}
		return nil
	})
	require.NoError(t, err)
	return total
}

// TestBoundUnderPressure uploads 400 artifacts of 256 KiB into a bound of
// 20 MiB from 8 goroutines, and watches the directory: it never holds more
// than the bound and the uploads in flight. (httpapi's
// TestBoundedStoreAcceptsEveryUpload does the same at 1 GiB over HTTP.)
func TestBoundUnderPressure(t *testing.T) {
	const (
		n       = 400
		size    = 256 << 10
		bound   = 20 << 20
		writers = 8
	)
	dir := t.TempDir()
	s := open(t, dir, &fsstore.Options{MaxSize: bound})
	body := bytes.Repeat([]byte{'x'}, size)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for range writers {
		wg.Go(func() {
			for i := next.Add(1); i <= n; i = next.Add(1) {
				key := fmt.Sprintf("team/%016x", i)
				if err := s.Put(context.Background(), key, bytes.NewReader(body), size, storage.Metadata{}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	var peak int64
	go func() {
		defer close(done)
		for next.Load() <= n {
			peak = max(peak, diskBytes(t, dir))
			time.Sleep(5 * time.Millisecond)
		}
	}()
	wg.Wait()
	<-done
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	u := s.Usage()
	assert.LessOrEqual(t, u.Bytes, int64(bound))
	assert.Equal(t, int64(bound/artifactBytes(size)), u.Artifacts)
	assert.Equal(t, int64(n)-u.Artifacts, u.Evictions)
	assert.LessOrEqual(t, peak, int64(bound+writers*artifactBytes(size)), "bytes on disk above the bound and the uploads in flight")
	assert.LessOrEqual(t, diskBytes(t, dir), int64(bound))
	t.Logf("peak bytes on disk %d, bound %d", peak, bound)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
