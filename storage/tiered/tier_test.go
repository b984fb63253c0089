package tiered_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/storage/tiered"
)

var md = storage.Metadata{Duration: 1500 * time.Millisecond, Tag: "tag", SHA: "abc"}

func newFlaky() *flaky { return &flaky{Store: memstore.New(nil)} }

// fast retries failed uploads at once, for tests.
var fast = &tiered.Options{RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond}

func TestHitsAreLocalFiles(t *testing.T) {
	for _, mode := range []tiered.WriteMode{tiered.WriteBack, tiered.WriteThrough} {
		t.Run(mode.String(), func(t *testing.T) {
			remote := newFlaky()
			tr := newTier(t, remote, &tiered.Options{Write: mode})
			body := bytes.Repeat([]byte("x"), 10<<10)
			put(t, tr, "team/put", body, md)
			drain(t, tr.Store)
			require.NoError(t, remote.Store.Put(context.Background(), "team/remote", bytes.NewReader(body), int64(len(body)), md))

			got, info, _ := read(t, tr, "team/remote") // a miss: fills the tier
			require.Equal(t, body, got)
			require.Equal(t, md, info.Metadata)
			require.Equal(t, int64(1), remote.gets.Load())
			// The fill ends after the reader's last byte: the local file is
			// in place once it is counted.
			require.Eventually(t, func() bool { return tr.Stats().Fills == 1 }, 10*time.Second, time.Millisecond)

			for _, key := range []string{"team/put", "team/remote"} {
				got, info, rc := read(t, tr, key)
				require.Equal(t, body, got)
				require.Equal(t, md, info.Metadata)
				require.IsType(t, &os.File{}, rc, "a hit is the local store's file, for sendfile")
			}
			require.Equal(t, int64(1), remote.gets.Load(), "hits made no remote request")
			st := tr.Stats()
			assert.Equal(t, int64(2), st.LocalHits)
			assert.Equal(t, int64(1), st.RemoteGets)
			assert.Equal(t, int64(1), st.Fills)
			assert.Equal(t, int64(1), st.Uploads)
		})
	}
}

func TestConcurrentMissesMakeOneRemoteGet(t *testing.T) {
	remote := newFlaky()
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	require.NoError(t, remote.Put(context.Background(), "team/k", bytes.NewReader(body), int64(len(body)), md))
	remote.hold = make(chan struct{})
	tr := newTier(t, remote, nil)

	const readers = 16
	var wg sync.WaitGroup
	results := make(chan []byte, readers)
	for range readers {
		wg.Go(func() {
			rc, _, err := tr.Get(context.Background(), "team/k")
			if !assert.NoError(t, err) {
				return
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			assert.NoError(t, err)
			results <- got
		})
	}
	// Every reader has asked; the leader's body is held until now.
	require.Eventually(t, func() bool { return tr.Stats().RemoteGets == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	close(remote.hold)
	wg.Wait()
	close(results)
	n := 0
	for got := range results {
		require.Equal(t, body, got)
		n++
	}
	require.Equal(t, readers, n)
	require.Equal(t, int64(1), remote.gets.Load(), "remote Gets for %d concurrent misses of one key", readers)
}

func TestFillIsAllOrNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		short bool
	}{{"RemoteFailsMidway", false}, {"RemoteBodyShort", true}} {
		t.Run(tc.name, func(t *testing.T) {
			remote := newFlaky()
			body := bytes.Repeat([]byte("y"), 1<<20)
			require.NoError(t, remote.Put(context.Background(), "team/k", bytes.NewReader(body), int64(len(body)), md))
			remote.cutAfter, remote.short = 300<<10, tc.short
			tr := newTier(t, remote, nil)

			rc, info, err := tr.Get(context.Background(), "team/k")
			require.NoError(t, err)
			n, err := io.CopyN(io.Discard, rc, info.Size)
			require.Error(t, err, "a cut body")
			require.Equal(t, int64(300<<10), n)
			require.NoError(t, rc.Close())
			_, err = tr.local.Stat(context.Background(), "team/k")
			require.ErrorIs(t, err, storage.ErrNotFound, "no partial local copy")
			require.Equal(t, int64(1), tr.Stats().FillFailures)

			remote.cutAfter = 0 // the next Get asks again, and fills
			got, _, _ := read(t, tr, "team/k")
			require.Equal(t, body, got)
			require.Eventually(t, func() bool {
				_, err := tr.local.Stat(context.Background(), "team/k")
				return err == nil
			}, 10*time.Second, time.Millisecond, "the local copy, completed after the last byte was read")
		})
	}
}

func TestClientLeavesDuringMiss(t *testing.T) {
	for _, tc := range []struct {
		name       string
		background int64
		filled     bool
	}{{"FillFinishes", 0, true}, {"FillAbandoned", -1, false}} {
		t.Run(tc.name, func(t *testing.T) {
			remote := newFlaky()
			body := bytes.Repeat([]byte("z"), 4<<20)
			require.NoError(t, remote.Put(context.Background(), "team/k", bytes.NewReader(body), int64(len(body)), md))
			tr := newTier(t, remote, &tiered.Options{BackgroundFill: tc.background})

			ctx, cancel := context.WithCancel(context.Background())
			rc, _, err := tr.Get(ctx, "team/k")
			require.NoError(t, err)
			_, err = io.CopyN(io.Discard, rc, 1<<20)
			require.NoError(t, err)
			cancel() // the client went away
			require.NoError(t, rc.Close())
			if tc.filled {
				require.Eventually(t, func() bool { return tr.Stats().Fills == 1 }, 10*time.Second, time.Millisecond)
				got, _, rc := read(t, tr, "team/k")
				require.Equal(t, body, got)
				require.IsType(t, &os.File{}, rc)
			} else {
				require.Eventually(t, func() bool { return tr.Stats().FillFailures == 1 }, 10*time.Second, time.Millisecond)
				_, err = tr.local.Stat(context.Background(), "team/k")
				require.ErrorIs(t, err, storage.ErrNotFound)
			}
			require.Equal(t, int64(1), remote.gets.Load())
		})
	}
}

func TestRemoteDown(t *testing.T) {
	ctx := context.Background()
	body := []byte("artifact")
	t.Run("back", func(t *testing.T) {
		remote := newFlaky()
		opts := *fast
		opts.MaxQueueLen = 2
		tr := newTier(t, remote, &opts)
		put(t, tr, "team/hit", body, md)
		drain(t, tr.Store)
		remote.down.Store(true)

		got, _, _ := read(t, tr, "team/hit")
		require.Equal(t, body, got, "a local hit while the remote is down")
		_, _, err := tr.Get(ctx, "team/miss")
		require.ErrorIs(t, err, errDown)
		require.NotErrorIs(t, err, storage.ErrNotFound, "a remote outage is not a miss")
		_, err = tr.Stat(ctx, "team/miss")
		require.ErrorIs(t, err, errDown)

		put(t, tr, "team/q1", body, md)
		put(t, tr, "team/q2", body, md)
		err = tr.Put(ctx, "team/q3", bytes.NewReader(body), int64(len(body)), md)
		require.ErrorIs(t, err, errDown, "a full queue writes through, and fails with the remote")
		_, err = tr.Stat(ctx, "team/q3")
		require.ErrorIs(t, err, errDown, "the failed Put left nothing behind")
		for _, key := range []string{"team/q1", "team/q2"} {
			got, _, rc := read(t, tr, key)
			require.Equal(t, body, got, "a queued upload is served while the remote is down")
			require.IsType(t, &os.File{}, rc)
		}
		require.Equal(t, 2, tr.Stats().Queued)

		remote.down.Store(false)
		drain(t, tr.Store)
		for _, key := range []string{"team/q1", "team/q2"} {
			_, err := remote.Store.Stat(ctx, key)
			require.NoError(t, err, "%s uploaded once the remote is back", key)
		}
		assert.NotZero(t, tr.Stats().UploadFailures)
	})
	t.Run("through", func(t *testing.T) {
		remote := newFlaky()
		tr := newTier(t, remote, &tiered.Options{Write: tiered.WriteThrough})
		put(t, tr, "team/k", body, md)
		remote.down.Store(true)
		err := tr.Put(ctx, "team/k", bytes.NewReader([]byte("newer")), 5, storage.Metadata{SHA: "new"})
		require.ErrorIs(t, err, errDown)
		got, info, _ := read(t, tr, "team/k")
		require.Equal(t, body, got, "the failed Put left the artifact stored before")
		require.Equal(t, md, info.Metadata)
		require.Zero(t, tr.Stats().Queued)
	})
}

// TestLocalCopyRemoved stands for eviction: an artifact removed from the
// local store is read from the remote again, and filled again.
func TestLocalCopyRemoved(t *testing.T) {
	remote := newFlaky()
	tr := newTier(t, remote, nil)
	body := bytes.Repeat([]byte("e"), 100<<10)
	put(t, tr, "team/k", body, md)
	drain(t, tr.Store)
	require.Zero(t, remote.gets.Load())

	require.NoError(t, tr.local.Delete(context.Background(), "team/k"))
	got, _, _ := read(t, tr, "team/k")
	require.Equal(t, body, got)
	require.Equal(t, int64(1), remote.gets.Load())
	_, _, rc := read(t, tr, "team/k")
	require.IsType(t, &os.File{}, rc)
	require.Equal(t, int64(1), remote.gets.Load())
}

// TestQueuedNotEvicted checks that an artifact waiting for its upload is
// not in the local store, whose eviction cannot touch it.
func TestQueuedNotEvicted(t *testing.T) {
	remote := newFlaky()
	remote.down.Store(true)
	tr := newTier(t, remote, fast)
	put(t, tr, "team/k", []byte("queued"), md)
	_, err := tr.local.Stat(context.Background(), "team/k")
	require.ErrorIs(t, err, storage.ErrNotFound, "a queued artifact is in the queue directory only")
	require.NoError(t, os.RemoveAll(tr.localDir), "the local store loses everything")
	got, _, _ := read(t, tr, "team/k")
	require.Equal(t, []byte("queued"), got)
	remote.down.Store(false)
	drain(t, tr.Store)
	_, err = remote.Store.Stat(context.Background(), "team/k")
	require.NoError(t, err)
}

func TestRestartWithUploadsPending(t *testing.T) {
	ctx := context.Background()
	remote := newFlaky()
	remote.down.Store(true)
	tr := newTier(t, remote, fast)
	keys := []string{"team/a", "team/b", "other/c"}
	for _, key := range keys {
		put(t, tr, key, []byte("body of "+key), md)
	}
	require.Equal(t, 3, tr.Stats().Queued)
	require.NoError(t, tr.Close())

	remote.down.Store(false)
	again := openTier(t, tr.local, remote, tr.queueDir, fast)
	drain(t, again)
	for _, key := range keys {
		rc, info, err := remote.Store.Get(ctx, key)
		require.NoError(t, err, "%s uploaded after the restart", key)
		got, err := io.ReadAll(rc)
		rc.Close()
		require.NoError(t, err)
		require.Equal(t, "body of "+key, string(got))
		require.Equal(t, md, info.Metadata)
		got, _, rc2 := read(t, again, key)
		require.Equal(t, "body of "+key, string(got))
		require.IsType(t, &os.File{}, rc2, "moved into the local store")
	}
	entries, err := os.ReadDir(tr.queueDir)
	require.NoError(t, err)
	for _, e := range entries {
		sub, err := os.ReadDir(tr.queueDir + "/" + e.Name())
		require.NoError(t, err)
		require.Empty(t, sub, "queue directory %s after the uploads", e.Name())
	}
}

func TestDeleteQueued(t *testing.T) {
	ctx := context.Background()
	remote := newFlaky()
	remote.down.Store(true)
	tr := newTier(t, remote, fast)
	put(t, tr, "team/k", []byte("queued"), md)
	require.ErrorIs(t, tr.Delete(ctx, "team/k"), errDown, "the remote's failure is reported")
	require.Zero(t, tr.Stats().Queued, "the upload left the queue")
	remote.down.Store(false)
	_, err := tr.Stat(ctx, "team/k")
	require.ErrorIs(t, err, storage.ErrNotFound)
	time.Sleep(100 * time.Millisecond)
	_, err = remote.Store.Stat(ctx, "team/k")
	require.ErrorIs(t, err, storage.ErrNotFound, "a deleted upload is never sent")
}

func TestNewRejectsBadOptions(t *testing.T) {
	local, remote := memstore.New(nil), memstore.New(nil)
	fs, err := fsstore.Open(t.TempDir(), nil)
	require.NoError(t, err)
	defer fs.Close()
	for _, tc := range []struct {
		name string
		opts *tiered.Options
		want string
	}{
		{"nil", nil, "QueueDir is required"},
		{"no queue", &tiered.Options{}, "QueueDir is required"},
		{"bad mode", &tiered.Options{QueueDir: t.TempDir(), Write: 7}, "WriteMode(7)"},
		{"negative", &tiered.Options{QueueDir: t.TempDir(), MaxQueueLen: -1}, "negative"},
		{"queue is the local directory", &tiered.Options{QueueDir: fs.Dir()}, "inside the local store's directory"},
		{"queue inside the local directory", &tiered.Options{QueueDir: filepath.Join(fs.Dir(), "uploads")}, "inside the local store's directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l storage.Store = local
			if strings.HasPrefix(tc.name, "queue") {
				l = fs
			}
			_, err := tiered.New(l, remote, tc.opts)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestQueueDirectoryBelongsToOneStore(t *testing.T) {
	tr := newTier(t, newFlaky(), nil)
	_, err := tiered.New(tr.local, newFlaky(), &tiered.Options{QueueDir: tr.queueDir})
	require.ErrorContains(t, err, "is in use by another Store")
	require.NoError(t, tr.Close())
	again, err := tiered.New(tr.local, newFlaky(), &tiered.Options{QueueDir: tr.queueDir})
	require.NoError(t, err, "free once the first Store is closed")
	require.NoError(t, again.Close())
}

// TestFillFailsEarly checks that a fill whose local Put fails at once never
// blocks the caller's reads, however much is left.
func TestFillFailsEarly(t *testing.T) {
	remote := newFlaky()
	body := bytes.Repeat([]byte("g"), 8<<20)
	require.NoError(t, remote.Put(context.Background(), "team/k", bytes.NewReader(body), int64(len(body)), md))
	s := openTier(t, diskFull{memstore.New(nil)}, remote, filepath.Join(t.TempDir(), "uploads"), nil)
	got, _, _ := read(t, s, "team/k")
	require.Equal(t, body, got)
	require.Eventually(t, func() bool { return s.Stats().FillFailures == 1 }, 10*time.Second, time.Millisecond)
	got, _, _ = read(t, s, "team/k")
	require.Equal(t, body, got, "read from the remote again")
}

// diskFull is a local store whose Puts fail without reading.
type diskFull struct{ storage.Store }

func (diskFull) Put(context.Context, string, io.Reader, int64, storage.Metadata) error {
	return storage.ErrNoSpace
}
