package fsstore

import (
	"errors"
	"io"
	"io/fs"
	"syscall"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// How often a bounded Store writes the access times of the artifacts used
// since the last time, and looks at its directory again for what other
// processes sharing it have written or removed.
const (
	defaultFlushEvery  = 10 * time.Second
	defaultRescanEvery = time.Minute
)

// noSpaceRoom is what a Put evicts, at least, when the disk is full and
// the size of what is left to write is unknown.
const noSpaceRoom = 64 << 20

// Usage reports the room the Store's artifacts take, its bound, and the
// evictions and skipped entries since Open.
func (s *Store) Usage() storage.Usage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return storage.Usage{
		Bytes:     s.idx.bytes,
		Artifacts: int64(len(s.idx.entries)),
		MaxBytes:  s.maxSize,
		Evictions: s.evictions,
		Skipped:   s.skips.total(),
	}
}

// used records a use of the artifact of key, whose file has size bytes: a
// Get, a Stat or a Put. An artifact the index does not know (another
// process wrote it) joins it.
func (s *Store) used(key string, size int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.idx.get(key)
	switch {
	case e == nil:
		s.idx.put(key, size, time.Now().UnixNano())
		s.evictOverLocked(key)
	case s.maxSize > 0: // only a bound needs the order of uses
		s.idx.touch(e, time.Now().UnixNano())
	}
}

// forget removes key from the index: its file is gone.
func (s *Store) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.idx.get(key); e != nil {
		s.idx.remove(e)
	}
}

// install moves a written temporary file of size bytes into place as key's
// artifact with move, first evicting the least recently used artifacts
// until the new one fits the bound. Holding the lock across both keeps an
// eviction from removing the new file, and the index true.
func (s *Store) install(key string, size int64, move func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.maxSize > 0 {
		old := int64(0)
		if e := s.idx.get(key); e != nil {
			old = e.size
		}
		for s.idx.bytes-old+size > s.maxSize {
			e := s.idx.oldest(key)
			if e == nil {
				break
			}
			s.evictLocked(e)
		}
	}
	if err := move(); err != nil {
		return err
	}
	s.idx.put(key, size, time.Now().UnixNano())
	return nil
}

// evictOverLocked evicts the least recently used artifacts other than keep
// until the index is within the bound.
func (s *Store) evictOverLocked(keep string) {
	for s.maxSize > 0 && s.idx.bytes > s.maxSize {
		e := s.idx.oldest(keep)
		if e == nil {
			return
		}
		s.evictLocked(e)
	}
}

// makeRoom evicts least recently used artifacts worth at least want bytes,
// for a write that found the disk full. It reports whether it evicted any.
func (s *Store) makeRoom(want int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	freed := int64(0)
	for freed < want {
		e := s.idx.oldest("")
		if e == nil {
			break
		}
		if s.evictLocked(e) {
			freed += e.size
		}
	}
	return freed > 0
}

// evictLocked removes e's file and forgets it, and reports whether a file
// was removed. A file that turns out not to be an artifact (a foreign file
// with a key's name) is left alone and skipped from then on. Readers that
// have the file open keep reading it: on Unix its blocks are freed when the
// last one closes it.
func (s *Store) evictLocked(e *entry) bool {
	s.idx.remove(e)
	if !s.isArtifact(e.key) {
		s.skips.add(s.log, e.key, errCorrupt)
		return false
	}
	err := s.root.Remove(e.key)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("fsstore: evicting an artifact failed", "key", e.key, "err", err)
		}
		return false
	}
	s.evictions++
	return true
}

// isArtifact reports whether the file of key starts with an artifact
// header's magic. A file that cannot be read is taken for an artifact, so
// that a failure to read is not a reason to keep it forever.
func (s *Store) isArtifact(key string) bool {
	f, err := s.root.Open(key)
	if err != nil {
		return true
	}
	defer f.Close()
	var buf [len(magic)]byte
	if _, err := io.ReadFull(f, buf[:]); err != nil {
		return !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF)
	}
	return string(buf[:]) == magic || string(buf[:]) == magicV1
}

// noSpace reports whether err says the disk, or the user's quota, is full.
func noSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// roomWriter is the writer of a Put's temporary file. When a write finds
// the disk full, it evicts least recently used artifacts and tries once
// more; a second failure is an error wrapping storage.ErrNoSpace.
type roomWriter struct {
	s       *Store
	w       io.Writer
	left    int64 // bytes still to come, or -1 when unknown
	written int64
	retried bool
}

func (w *roomWriter) Write(p []byte) (int, error) {
	if w.s.maxSize > 0 && w.written+int64(len(p)) > w.s.maxSize {
		// Of unknown size, and already too large: stop writing now.
		return 0, w.s.tooLarge(w.written + int64(len(p)))
	}
	n, err := w.w.Write(p)
	if err != nil && noSpace(err) && !w.retried {
		w.retried = true
		want := int64(noSpaceRoom)
		if w.left >= 0 {
			want = w.left
		}
		if w.s.makeRoom(max(want, int64(len(p)))) {
			var m int
			m, err = w.w.Write(p[n:])
			n += m
		}
	}
	w.written += int64(n)
	if w.left >= 0 {
		w.left -= int64(n)
	}
	if err != nil && noSpace(err) {
		return n, errNoSpace(err)
	}
	return n, err
}

func errNoSpace(err error) error {
	return &noSpaceError{err}
}

// noSpaceError wraps a full disk's error with storage.ErrNoSpace.
type noSpaceError struct{ err error }

func (e *noSpaceError) Error() string   { return "no space left on the store's disk: " + e.err.Error() }
func (e *noSpaceError) Unwrap() []error { return []error{storage.ErrNoSpace, e.err} }

// flushAccess writes the last use of each artifact used since the last
// flush as its file's access time, which Open reads back to order the
// artifacts after a restart. The modification time, the artifact's
// creation time, is left as it is.
func (s *Store) flushAccess() {
	s.mu.Lock()
	touched := s.idx.takeDirty()
	s.mu.Unlock()
	for _, u := range touched {
		// A file evicted or replaced since then fails or takes a time
		// close enough; either is harmless.
		_ = s.root.Chtimes(u.key, time.Unix(0, u.used), time.Time{})
	}
}

// rescan reads the directory again and brings the index in line with it:
// artifacts written by other processes join it, those removed by them leave
// it, and the bound is enforced over the whole.
func (s *Store) rescan() error {
	start := time.Now().UnixNano()
	found, err := s.scan()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[string]struct{}, len(found))
	for _, f := range found {
		seen[f.key] = struct{}{}
		if e := s.idx.get(f.key); e == nil {
			s.idx.insert(f.key, f.size, f.used)
		} else if e.size != f.size {
			s.idx.bytes += f.size - e.size
			e.size = f.size
		}
	}
	for key, e := range s.idx.entries {
		if _, ok := seen[key]; !ok && e.used < start {
			s.idx.remove(e)
		}
	}
	s.evictOverLocked("")
	return nil
}
