package tiered

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/turbocache/turbocache/storage"
)

// Put stores the bytes of r under key: in the queue directory first, then on
// the remote, in the background (WriteBack) or before Put returns
// (WriteThrough, or a full queue).
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := s.put(ctx, key, r, size, md); err != nil {
		return fmt.Errorf("tiered: put %q: %w", key, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	if s.isClosed() {
		return errClosed
	}
	unlock := s.lockKey(key)
	defer unlock()
	if err := s.queue.Put(ctx, key, r, size, md); err != nil {
		return err
	}
	if size < 0 {
		info, err := s.queue.Stat(ctx, key)
		if err != nil {
			if !s.isPending(key) {
				s.queue.Delete(context.WithoutCancel(ctx), key)
			}
			return err
		}
		size = info.Size
	}
	switch {
	case s.opts.Write == WriteBack && s.admit(key, size, false):
		return nil
	case s.opts.Write == WriteThrough && s.admit(key, size, true):
		// A write-through Put of a key queued already (from before a
		// restart): the queue holds it now, and goes on with it.
		return s.uploadNow(ctx, key)
	}
	// Written through: by choice, or because the queue is full.
	if err := s.upload(ctx, key); err != nil {
		s.queue.Delete(context.WithoutCancel(ctx), key)
		s.stats.uploadFailures.Add(1)
		return fmt.Errorf("uploading to the remote: %w", err)
	}
	s.settle(key)
	s.mu.Lock()
	s.markStaleLocked(key)
	s.mu.Unlock()
	return nil
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// uploadNow tries the upload of a queued key at once; a failure leaves it
// queued for the workers. The caller holds key's lock.
func (s *Store) uploadNow(ctx context.Context, key string) error {
	s.mu.Lock()
	e := s.pending[key]
	s.mu.Unlock()
	if err := s.upload(ctx, key); err != nil {
		s.stats.uploadFailures.Add(1)
		s.log.Warn("tiered: write-through upload of a queued artifact failed; it stays queued", "key", key, "err", err)
		return nil
	}
	s.settle(key)
	s.forget(key, e)
	return nil
}

// Delete removes the artifact stored under key from the queue (stopping
// its upload), the remote and the local store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if e := s.pending[key]; e != nil && e.cancel != nil {
		e.cancel() // the upload in progress stops, and frees the key
	}
	s.mu.Unlock()
	unlock := s.lockKey(key)
	defer unlock()

	s.mu.Lock()
	e := s.pending[key]
	s.mu.Unlock()
	var errs []error
	if e != nil {
		if err := s.queue.Delete(ctx, key); err != nil {
			errs = append(errs, fmt.Errorf("queue directory: %w", err))
		} else {
			s.forget(key, e)
		}
	}
	if err := s.remote.Delete(ctx, key); err != nil {
		errs = append(errs, fmt.Errorf("remote: %w", err))
	}
	if err := s.local.Delete(ctx, key); err != nil {
		errs = append(errs, fmt.Errorf("local: %w", err))
	}
	s.mu.Lock()
	s.markStaleLocked(key) // a fill that started during the Delete
	s.mu.Unlock()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("tiered: delete %q: %w", key, err)
	}
	return nil
}
