package tiered

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// entry is an artifact in the queue directory, waiting for its upload or
// being uploaded. Its fields are guarded by Store.mu.
type entry struct {
	key      string
	size     int64
	queued   bool        // in Store.ready
	attempts int         // failed uploads so far
	retry    *time.Timer // set while waiting to be tried again
	cancel   context.CancelFunc
}

// recover queues the artifacts a previous Store left in the queue
// directory.
func (s *Store) recover() error {
	for obj, err := range s.queue.List(s.ctx, "") {
		if err != nil {
			return fmt.Errorf("tiered: listing the queue directory: %w", err)
		}
		e := &entry{key: obj.Key, size: obj.Size}
		s.pending[obj.Key] = e
		s.npending.Add(1)
		s.qbytes += obj.Size
		s.enqueueLocked(e)
	}
	if n := len(s.pending); n > 0 {
		s.log.Info("tiered: uploads queued again from the queue directory", "count", n, "bytes", s.qbytes)
	}
	return nil
}

// isPending reports whether key has an artifact in the queue directory.
func (s *Store) isPending(key string) bool {
	if s.npending.Load() == 0 {
		return false // the usual case of a hit: no lock taken
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending[key] != nil
}

// queued returns the number and total size of the pending uploads.
func (s *Store) queued() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending), s.qbytes
}

// admit queues the artifact of key just stored in the queue directory, when
// it replaces a queued one or (unless onlyReplace) when the bounds allow,
// and reports whether it did. The caller holds key's lock.
func (s *Store) admit(key string, size int64, onlyReplace bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if e := s.pending[key]; e != nil {
		s.qbytes += size - e.size
		e.size = size
		s.markStaleLocked(key)
		return true
	}
	if onlyReplace || (len(s.pending)+1 > s.opts.MaxQueueLen || s.qbytes+size > s.opts.MaxQueueBytes) {
		return false
	}
	e := &entry{key: key, size: size}
	s.pending[key] = e
	s.npending.Add(1)
	s.qbytes += size
	s.markStaleLocked(key)
	s.enqueueLocked(e)
	return true
}

// markStaleLocked tells a fill of key in progress that its copy may be older
// than the key's artifact.
func (s *Store) markStaleLocked(key string) {
	if f := s.flights[key]; f != nil {
		f.stale = true
	}
}

func (s *Store) enqueueLocked(e *entry) {
	if !e.queued {
		e.queued = true
		s.ready = append(s.ready, e)
		s.wake.Signal()
	}
}

// worker uploads queued artifacts until Close.
func (s *Store) worker() {
	for {
		s.mu.Lock()
		for len(s.ready) == 0 && !s.closed {
			s.wake.Wait()
		}
		if s.closed {
			s.mu.Unlock()
			return
		}
		e := s.ready[0]
		s.ready = s.ready[1:]
		e.queued = false
		s.mu.Unlock()
		s.uploadQueued(e)
	}
}

// uploadQueued sends e to the remote, and then moves it into the local
// store, or schedules the next attempt.
func (s *Store) uploadQueued(e *entry) {
	unlock := s.lockKey(e.key)
	defer unlock()
	// A throttled upload waits for the queue's own backoff instead of
	// retrying at once: the queue can wait, clients are not.
	ctx, cancel := context.WithCancel(storage.WithoutThrottledRetries(s.ctx))
	defer cancel()
	s.mu.Lock()
	if s.pending[e.key] != e || s.closed {
		s.mu.Unlock() // deleted, or uploaded by a write-through Put
		return
	}
	e.cancel = cancel
	s.mu.Unlock()

	err := s.upload(ctx, e.key)
	if errors.Is(err, storage.ErrNotFound) {
		// The queue file is gone (removed by hand): nothing to upload.
		s.forget(e.key, e)
		return
	}
	if err != nil {
		s.stats.uploadFailures.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		e.cancel = nil
		if s.pending[e.key] != e || s.closed {
			return
		}
		e.attempts++
		wait := backoff(s.opts.RetryMin, s.opts.RetryMax, e.attempts)
		s.log.Warn("tiered: upload failed; trying again later", "key", e.key, "attempt", e.attempts, "in", wait, "err", err)
		e.retry = time.AfterFunc(wait, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			e.retry = nil
			if s.pending[e.key] == e && !s.closed {
				s.enqueueLocked(e)
			}
		})
		return
	}
	s.settle(e.key)
	s.forget(e.key, e)
}

// backoff is the wait before attempt n+1: min doubled n-1 times, at most max,
// with a quarter of jitter so that many failed uploads do not retry at once.
func backoff(min, max time.Duration, n int) time.Duration {
	d := min
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = time.Duration(float64(d) * (0.75 + rand.Float64()/4))
	return minDuration(d, max)
}

func minDuration(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

// upload sends the queue directory's artifact of key to the remote, from
// its file. The caller holds key's lock.
func (s *Store) upload(ctx context.Context, key string) error {
	rc, info, err := s.queue.Get(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := s.remote.Put(ctx, key, rc, info.Size, info.Metadata); err != nil {
		return err
	}
	s.stats.uploads.Add(1)
	return nil
}

// settle moves the uploaded artifact of key from the queue directory into
// the local store: by renaming its file when the local store is an fsstore
// (on the same file system, no byte is copied), else by copying it and
// removing it from the queue directory. A failed move costs a later miss,
// not the artifact: the remote has it. The caller holds key's lock.
func (s *Store) settle(key string) {
	var err error
	if local, ok := s.local.(*fsstore.Store); ok {
		err = local.Move(s.ctx, key, s.queue)
	} else {
		err = s.copyToLocal(key)
	}
	if err != nil && s.ctx.Err() == nil {
		s.log.Warn("tiered: moving an uploaded artifact into the local store failed", "key", key, "err", err)
	}
	if err := s.queue.Delete(s.ctx, key); err != nil && s.ctx.Err() == nil {
		s.log.Warn("tiered: removing an uploaded artifact from the queue directory failed", "key", key, "err", err)
	}
}

// copyToLocal copies the queued artifact of key into a local store that is
// not an fsstore.
func (s *Store) copyToLocal(key string) error {
	rc, info, err := s.queue.Get(s.ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	return s.local.Put(s.ctx, key, rc, info.Size, info.Metadata)
}

// forget drops e, the entry of key, from the pending uploads.
func (s *Store) forget(key string, e *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending[key] == e {
		delete(s.pending, key)
		s.npending.Add(-1)
		s.qbytes -= e.size
		if e.retry != nil {
			e.retry.Stop()
		}
	}
	s.markStaleLocked(key)
}
