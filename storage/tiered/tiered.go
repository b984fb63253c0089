package tiered

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// WriteMode says when Put returns.
type WriteMode int

const (
	// WriteBack makes Put return once the artifact is synced to the queue
	// directory and its upload is queued.
	WriteBack WriteMode = iota
	// WriteThrough makes Put return once the remote has the artifact.
	WriteThrough
)

// String returns "back" or "through".
func (m WriteMode) String() string {
	switch m {
	case WriteBack:
		return "back"
	case WriteThrough:
		return "through"
	}
	return fmt.Sprintf("WriteMode(%d)", int(m))
}

// Defaults of Options.
const (
	DefaultMaxQueueLen    = 10000
	DefaultMaxQueueBytes  = 8 << 30
	DefaultUploads        = 4
	DefaultRetryMin       = time.Second
	DefaultRetryMax       = 5 * time.Minute
	DefaultBackgroundFill = 256 << 20
)

// Options configures a Store. QueueDir is required; zero values of the
// other fields mean the defaults.
type Options struct {
	// QueueDir is the directory of the artifacts waiting for (or in) their
	// upload to the remote. It must not be inside the local store's
	// directory, nor the local store's, nor shared with another Store.
	QueueDir string
	// Write says when Put returns; the default is WriteBack.
	Write WriteMode
	// MaxQueueLen and MaxQueueBytes bound the uploads queued by WriteBack
	// Puts (DefaultMaxQueueLen, DefaultMaxQueueBytes). A Put that would go
	// past either bound is written through instead.
	MaxQueueLen   int
	MaxQueueBytes int64
	// Uploads is how many queued uploads run at once (DefaultUploads).
	Uploads int
	// RetryMin and RetryMax bound the wait before a failed upload is tried
	// again: RetryMin after the first failure, doubling up to RetryMax.
	RetryMin, RetryMax time.Duration
	// BackgroundFill is how many bytes of a miss may still be unread when
	// its caller closes the reader for the fill to go on without it
	// (DefaultBackgroundFill); a negative value abandons every such fill.
	BackgroundFill int64
	// Logger receives failed uploads and fills; nil discards them.
	Logger *slog.Logger
}

// Store is the tier: a [storage.Store] and [storage.Lister] over a local
// store and a remote one. Its methods are safe for concurrent use.
type Store struct {
	local  storage.Store
	remote storage.Store
	queue  *fsstore.Store
	lock   *os.File // held on the queue directory; see lockQueue
	// localRoot is the local store's directory when it is an fsstore; see
	// setCreated.
	localRoot *os.Root
	opts      Options
	log       *slog.Logger

	// ctx ends with Close: it cancels uploads and background fills.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // workers and background fills

	mu      sync.Mutex
	closed  bool
	pending map[string]*entry // artifacts in the queue directory
	// npending is len(pending), changed under mu, read without it.
	npending atomic.Int64
	ready    []*entry           // pending entries waiting for a worker
	wake     *sync.Cond         // on mu: ready grew, or closed
	qbytes   int64              // bytes of pending entries
	flights  map[string]*flight // fills in progress
	// fillsEnded counts the fills that ended, changed under mu after the
	// fill's local copy is in place; see fetch.
	fillsEnded atomic.Int64
	locks      map[string]*keyLock

	stats counters
}

// New returns the tier over local and remote and queues again the uploads
// found in Options.QueueDir. The caller keeps ownership of local and remote;
// Close stops the tier only.
func New(local, remote storage.Store, opts *Options) (*Store, error) {
	if local == nil || remote == nil {
		return nil, errors.New("tiered: New: the local and the remote store are both required")
	}
	if opts == nil || opts.QueueDir == "" {
		return nil, errors.New("tiered: New: Options.QueueDir is required")
	}
	o := *opts
	if o.Write != WriteBack && o.Write != WriteThrough {
		return nil, fmt.Errorf("tiered: New: Options.Write %v is not WriteBack or WriteThrough", o.Write)
	}
	if o.MaxQueueLen < 0 || o.MaxQueueBytes < 0 || o.Uploads < 0 || o.RetryMin < 0 || o.RetryMax < 0 {
		return nil, errors.New("tiered: New: negative Options.MaxQueueLen, MaxQueueBytes, Uploads, RetryMin or RetryMax")
	}
	o.MaxQueueLen = orDefault(o.MaxQueueLen, DefaultMaxQueueLen)
	o.MaxQueueBytes = orDefault(o.MaxQueueBytes, DefaultMaxQueueBytes)
	o.Uploads = orDefault(o.Uploads, DefaultUploads)
	o.RetryMin = orDefault(o.RetryMin, DefaultRetryMin)
	o.RetryMax = max(orDefault(o.RetryMax, DefaultRetryMax), o.RetryMin)
	o.BackgroundFill = orDefault(o.BackgroundFill, DefaultBackgroundFill)

	if fs, ok := local.(*fsstore.Store); ok && within(o.QueueDir, fs.Dir()) {
		return nil, fmt.Errorf("tiered: New: Options.QueueDir %q is inside the local store's directory %q, whose eviction would reach it", o.QueueDir, fs.Dir())
	}
	if err := os.MkdirAll(o.QueueDir, 0o700); err != nil {
		return nil, fmt.Errorf("tiered: opening the queue directory: %w", err)
	}
	lock, err := lockQueue(o.QueueDir)
	if err != nil {
		return nil, err
	}
	// Every queued upload is synced before Put returns: write-back acknowledges it.
	queue, err := fsstore.Open(o.QueueDir, &fsstore.Options{SyncEachPut: true})
	if err != nil {
		closeLock(lock)
		return nil, fmt.Errorf("tiered: opening the queue directory: %w", err)
	}
	s := &Store{
		local: local, remote: remote, queue: queue, lock: lock, opts: o, log: o.Logger,
		pending: make(map[string]*entry),
		flights: make(map[string]*flight),
		locks:   make(map[string]*keyLock),
	}
	s.localRoot = openLocalRoot(local)
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.wake = sync.NewCond(&s.mu)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.recover(); err != nil {
		queue.Close()
		closeLock(lock)
		if s.localRoot != nil {
			s.localRoot.Close()
		}
		return nil, err
	}
	for range o.Uploads {
		s.wg.Go(s.worker)
	}
	return s, nil
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// errClosed is returned by the calls made after Close.
var errClosed = errors.New("tiered: store is closed")

// Get opens the artifact stored under key: a queued upload, else the local
// copy, else the remote's artifact, which fills the local store as it is
// read. The reader of a local answer is the local store's own.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, storage.Info{}, err
	}
	return s.get(ctx, key, true)
}

// get is Get; again lets a miss look at the near tiers once more when a
// fill ended while they were being read (see fetch).
func (s *Store) get(ctx context.Context, key string, again bool) (io.ReadCloser, storage.Info, error) {
	ended := s.fillsEnded.Load()
	if rc, info, ok := s.getNear(ctx, key); ok {
		return rc, info, nil
	}
	return s.fetch(ctx, key, ended, again)
}

// getNear opens key from the queue directory or the local store. Failures
// of the local disk count as misses: the remote can still answer.
func (s *Store) getNear(ctx context.Context, key string) (io.ReadCloser, storage.Info, bool) {
	if s.isPending(key) {
		if rc, info, err := s.queue.Get(ctx, key); err == nil {
			s.stats.queueHits.Add(1)
			return rc, info, true
		}
	}
	rc, info, err := s.local.Get(ctx, key)
	if err != nil {
		if !errors.Is(err, storage.ErrNotFound) && ctx.Err() == nil {
			s.log.Warn("tiered: local read failed; asking the remote", "key", key, "err", err)
		}
		return nil, storage.Info{}, false
	}
	s.stats.localHits.Add(1)
	return rc, info, true
}

// Stat reports on the artifact stored under key, from the queue, the local
// store or the remote, in that order.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.Info{}, err
	}
	if s.isPending(key) {
		if info, err := s.queue.Stat(ctx, key); err == nil {
			return info, nil
		}
	}
	if info, err := s.local.Stat(ctx, key); err == nil {
		return info, nil
	}
	if err := ctx.Err(); err != nil {
		return storage.Info{}, err
	}
	info, err := s.remote.Stat(ctx, key)
	if err != nil {
		return storage.Info{}, fmt.Errorf("tiered: stat %q: %w", key, err)
	}
	return info, nil
}

// Close stops the uploads and background fills in progress, waits for them
// to return, and closes the queue directory. Uploads not finished stay in
// the queue directory, and the next New queues them again. Calls made after
// Close fail; readers already returned stay usable. Close does not close the
// local and remote stores.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for _, e := range s.pending {
		if e.retry != nil {
			e.retry.Stop()
		}
	}
	s.wake.Broadcast()
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	if s.localRoot != nil {
		s.localRoot.Close()
	}
	err := s.queue.Close()
	closeLock(s.lock)
	return err
}

// Shutdown waits until every queued upload has finished, or ctx ends, and
// then closes the Store as Close does. It returns ctx's error, with the
// number of uploads left, when ctx ended first.
func (s *Store) Shutdown(ctx context.Context) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		n, _ := s.queued()
		if n == 0 {
			return s.Close()
		}
		select {
		case <-ctx.Done():
			err := fmt.Errorf("tiered: shutdown with %d uploads still queued (kept for the next start): %w", n, ctx.Err())
			return errors.Join(err, s.Close())
		case <-tick.C:
		}
	}
}

// track counts one more goroutine that Close waits for, unless the Store is
// closed; the goroutine calls s.wg.Done.
func (s *Store) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

func closeLock(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// within reports whether dir is parent or below it.
func within(dir, parent string) bool {
	d, err1 := filepath.Abs(dir)
	p, err2 := filepath.Abs(parent)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(p, d)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
