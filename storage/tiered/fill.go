package tiered

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/turbocache/turbocache/storage"
)

// flight is one remote Get filling the local store; concurrent misses of
// its key wait for it instead of asking the remote again.
type flight struct {
	done chan struct{} // closed when the fill has ended
	// Set before done is closed:
	remoteErr error // the remote's failure (a miss included), if it failed
	// stale is set, under Store.mu, by a Put or Delete of the key while the
	// fill runs: the copy it makes may be older than the key's artifact.
	stale bool
}

// errStoppedEarly fails a fill abandoned by its caller.
var errStoppedEarly = errors.New("tiered: reader closed before the end of the artifact")

// fetch answers a miss of both near tiers from the remote, filling the
// local store, or waits for the fill of another miss of key. ended is
// s.fillsEnded from before the near tiers were read: when a fill ended
// since (its flight is gone, its copy maybe in place after the local
// store missed), the near tiers are read once more, when again is set,
// rather than the remote a second time.
func (s *Store) fetch(ctx context.Context, key string, ended int64, again bool) (io.ReadCloser, storage.Info, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, storage.Info{}, errClosed
	}
	if s.pending[key] != nil {
		// Queued since getNear looked: a Put won the race.
		s.mu.Unlock()
		return s.get(ctx, key, again)
	}
	if f := s.flights[key]; f != nil {
		s.mu.Unlock()
		return s.follow(ctx, key, f)
	}
	if again && s.fillsEnded.Load() != ended {
		s.mu.Unlock()
		return s.get(ctx, key, false)
	}
	f := &flight{done: make(chan struct{})}
	s.flights[key] = f
	s.mu.Unlock()

	// The fill outlives the caller's context when the caller leaves early
	// (see Options.BackgroundFill), and ends with Close.
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(s.ctx, cancel)
	release := func() { stop(); cancel() }
	end := func(remoteErr error, filled bool) {
		s.mu.Lock()
		f.remoteErr = remoteErr
		stale := f.stale
		delete(s.flights, key)
		s.fillsEnded.Add(1)
		s.mu.Unlock()
		if filled && stale {
			// A Put or Delete of key ran meanwhile: the copy may be of
			// the artifact it replaced.
			_ = s.local.Delete(s.ctx, key)
		}
		switch {
		case filled:
			s.stats.fills.Add(1)
		case remoteErr == nil || !errors.Is(remoteErr, storage.ErrNotFound):
			s.stats.fillFailures.Add(1)
		}
		close(f.done)
	}

	s.stats.remoteGets.Add(1)
	src, info, err := s.remote.Get(fctx, key)
	if err != nil {
		end(err, false)
		release()
		return nil, storage.Info{}, fmt.Errorf("tiered: get %q: %w", key, err)
	}
	pw := newBlockPipe()
	// The remote's body is read with fctx, so fctx ends only once the tee
	// is done with it: a local copy that fails leaves the caller's stream
	// alone.
	t := &tee{s: s, src: src, pw: pw, left: info.Size, filled: make(chan error, 1), release: release}
	go func() {
		err := s.local.Put(fctx, key, pw, info.Size, info.Metadata)
		if err == nil {
			s.setCreated(key, info.Created)
		}
		// A Put that stopped early stops reading: the caller's writes
		// are dropped from now on.
		pw.GiveUp()
		if err != nil && !errors.Is(err, errStoppedEarly) {
			s.log.Warn("tiered: filling the local store failed", "key", key, "err", err)
		}
		end(t.readErr(), err == nil)
		t.filled <- err
	}()
	return t, info, nil
}

// follow waits for the fill f of key, then reads the local copy. When the
// fill did not leave one, the remote's error is the answer; when the fill
// failed for a local reason, the remote is read without filling.
func (s *Store) follow(ctx context.Context, key string, f *flight) (io.ReadCloser, storage.Info, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, storage.Info{}, ctx.Err()
	}
	if rc, info, ok := s.getNear(ctx, key); ok {
		return rc, info, nil
	}
	if f.remoteErr != nil {
		return nil, storage.Info{}, fmt.Errorf("tiered: get %q: %w", key, f.remoteErr)
	}
	s.stats.remoteGets.Add(1)
	rc, info, err := s.remote.Get(ctx, key)
	if err != nil {
		return nil, storage.Info{}, fmt.Errorf("tiered: get %q: %w", key, err)
	}
	return rc, info, nil
}

// tee is the reader of a miss: it yields the remote's bytes and hands each
// of them to the local Put filling the tier.
type tee struct {
	s      *Store
	src    io.ReadCloser
	pw     *blockPipe
	left   int64      // bytes not read yet
	filled chan error // the local Put's result
	// release ends the context of the remote read, after src is closed.
	release func()
	err     atomic.Pointer[error] // the first failure of src, other than io.EOF
	ended   bool                  // src returned io.EOF or an error
	closed  bool
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.src.Read(p)
	if n > 0 {
		t.left -= int64(n)
		// A failed fill never fails the caller's read: once the Put
		// has stopped, writes are dropped.
		_, _ = t.pw.Write(p[:n])
	}
	if err != nil {
		t.ended = true
	}
	switch {
	case err == io.EOF:
		t.pw.Close()
	case err != nil:
		t.err.CompareAndSwap(nil, &err)
		t.pw.CloseWithError(err)
	}
	return n, err
}

// readErr is the remote's failure, if reading it failed.
func (t *tee) readErr() error {
	if p := t.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Close ends the caller's reading. With the whole artifact read, the local
// copy is completed (synced, renamed) in the background: the caller, whose
// last bytes net/http may hold until the handler returns, does not wait for
// the disk. Gets of the key meanwhile wait for the copy, as concurrent
// misses do. With bytes left, the fill goes on in the background, within
// Options.BackgroundFill, or is abandoned.
func (t *tee) Close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	if t.left <= 0 || t.ended {
		// Callers that know the size, like io.CopyN, stop before
		// reading EOF: every byte read is enough.
		t.pw.Close()
		err := t.src.Close()
		if t.left <= 0 && t.s.track() {
			go func() {
				defer t.s.wg.Done()
				<-t.filled
				t.release()
			}()
			return err
		}
		<-t.filled // a failed fill ends at once
		t.release()
		return err
	}
	if limit := t.s.opts.BackgroundFill; limit >= 0 && t.left <= limit && t.s.track() {
		go func() {
			defer t.s.wg.Done()
			buf := make([]byte, 64<<10)
			for t.left > 0 {
				if _, err := t.Read(buf); err != nil {
					break
				}
			}
			t.pw.Close()
			<-t.filled
			t.src.Close()
			t.release()
		}()
		return nil
	}
	t.pw.CloseWithError(errStoppedEarly)
	<-t.filled
	err := t.src.Close()
	t.release()
	return err
}
