// Package fsstore is a [storage.Store] that keeps artifacts in a local
// directory. It is the default store when no cloud store is configured.
//
// Each artifact is one regular file whose path below the root is its key
// (the key "team/abc" is the file "team/abc"), holding a small header with
// the artifact's metadata followed by the artifact's bytes; see the file
// format in format.go. An artifact's creation time is its file's
// modification time, which the kernel takes from a clock that can trail
// time.Now by a few milliseconds; set Options.Now to compare creation times
// with another store's.
//
// A Put writes to a temporary file in the artifact's directory, syncs it to
// disk and renames it into place, so readers see a whole artifact or none,
// even after a crash. Temporary file names contain '~', a byte keys never
// hold; Open removes those a crash left behind. On Unix a Put holds a lock
// (flock) on its temporary file while it writes, and Open keeps the files
// still locked, so several Stores, in one process or several, can share a
// directory; elsewhere Open removes every temporary file, and a directory
// should belong to one Store at a time.
//
// Keys that are prefix segments of other keys ("team" and "team/abc") cannot
// both be stored: Put of the second one fails and leaves the first intact.
//
// Every file operation goes through an [os.Root]: no key, and no symbolic
// link planted in the directory, can reach a file outside the root. Entries
// that are not artifacts (a lost+found directory, foreign files, names that
// are not keys) are skipped, logged once and counted in [Store.Usage]; a
// file that is not an artifact is a miss, never served.
//
// # The size bound
//
// With Options.MaxSize set, a Store keeps the files of its artifacts within
// that many bytes, evicting the least recently used ones (last Get, Stat or
// Put) to make room for a new one. Open reads the sizes of the files it
// finds, not their contents, so a restart costs a walk of the directory: on
// the benchmark machine 100,000 artifacts took about 1.2 s and 131 bytes of
// memory each (BenchmarkOpen100k). Uses are recorded in memory and written
// as the files' access times every few seconds and at Close, off the
// request path, so that the order survives a restart; the modification
// time, the artifact's creation time, is not touched.
//
// The bound counts whole artifacts: while uploads are in flight their
// temporary files come on top of it, and a file being downloaded when it is
// evicted keeps its blocks until the download ends (downloads are never
// broken). Whether bounded or not, a write that finds the disk full (the
// disk is shared with others) evicts and tries once more; failing again, it
// returns an error wrapping [storage.ErrNoSpace] and leaves nothing behind.
//
// Several processes may share a directory, bounded or not. Each knows the
// artifacts it found at Open, wrote, or read, and looks at the directory
// again every minute; it keeps what it knows within its bound, and so the
// whole directory, between two looks, exceeds the bound by at most what the
// others wrote since. Give them all the same bound. An artifact one of them
// evicts is a miss for the others.
package fsstore

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Store is a [storage.Store], [storage.Lister] and [storage.UsageReporter]
// over a local directory. Its methods are safe for concurrent use.
type Store struct {
	root     *os.Root
	fileMode os.FileMode
	dirMode  os.FileMode
	now      func() time.Time // nil: the file system's clock
	maxSize  int64
	log      *slog.Logger
	skips    skips

	mu        sync.Mutex // guards idx and evictions, and orders renames with evictions
	idx       *index
	evictions int64

	stop      chan struct{} // closed by Close; nil for an unbounded Store
	done      chan struct{} // closed when the background work has ended
	closeOnce sync.Once
}

// Options configures a Store. A nil *Options means the defaults.
type Options struct {
	// FileMode is the permission of artifact files (before the umask).
	// Zero means 0600.
	FileMode os.FileMode
	// DirMode is the permission of the directories Open and Put create
	// (before the umask). Zero means 0700.
	DirMode os.FileMode
	// Now, when set, gives the creation time recorded for each artifact
	// instead of the file system's clock. Tests of expiry set it.
	Now func() time.Time

	// MaxSize bounds the bytes of the artifacts' files (their headers
	// included). When a new artifact would exceed it, the least recently
	// used artifacts are evicted until it fits; an artifact larger than
	// MaxSize is refused with an error wrapping storage.ErrTooLarge.
	// Zero means no bound. See the package documentation for what the
	// bound means when several processes share the directory.
	MaxSize int64

	// Logger receives the entries skipped because they are not artifacts
	// (once each) and failures of background work. Nil means no logging.
	Logger *slog.Logger
}

// Open returns a Store keeping its artifacts in dir, creating dir if needed.
// It removes the temporary files an interrupted Put left in it and reads
// which artifacts it holds: their sizes, and, for a bounded Store, the order
// in which they were last used.
func Open(dir string, opts *Options) (*Store, error) {
	s := &Store{fileMode: 0o600, dirMode: 0o700, idx: newIndex()}
	if opts != nil {
		if opts.FileMode != 0 {
			s.fileMode = opts.FileMode
		}
		if opts.DirMode != 0 {
			s.dirMode = opts.DirMode
		}
		s.now = opts.Now
		s.maxSize = opts.MaxSize
		s.log = opts.Logger
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxSize < 0 {
		return nil, fmt.Errorf("fsstore: open %q: negative MaxSize %d", dir, s.maxSize)
	}
	if dir == "" {
		return nil, fmt.Errorf("fsstore: open: empty directory name")
	}
	if err := os.MkdirAll(dir, s.dirMode); err != nil {
		return nil, fmt.Errorf("fsstore: open %q: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("fsstore: open %q: %w", dir, err)
	}
	s.root = root
	found, err := s.scan()
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("fsstore: open %q: reading the directory: %w", dir, err)
	}
	// From the least to the most recently used, so that each insertion
	// lands at the front.
	for i := len(found) - 1; i >= 0; i-- {
		f := found[i]
		s.idx.put(f.key, f.size, f.used)
	}
	if s.maxSize > 0 {
		s.evictOverLocked("")
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.background(defaultFlushEvery, defaultRescanEvery)
	}
	return s, nil
}

// Dir returns the directory the Store keeps its artifacts in.
func (s *Store) Dir() string { return s.root.Name() }

// Close writes the access times not yet written, ends the Store's
// background work and releases its handle on its directory. Readers
// returned by Get stay usable; other calls fail afterwards.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.stop != nil {
			close(s.stop)
			<-s.done
		}
	})
	return s.root.Close()
}

var _ io.Closer = (*Store)(nil)
