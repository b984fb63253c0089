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
// link planted in the directory, can reach a file outside the root.
package fsstore

import (
	"fmt"
	"os"
	"time"
)

// Store is a [storage.Store] and [storage.Lister] over a local directory.
// Its methods are safe for concurrent use.
type Store struct {
	root     *os.Root
	fileMode os.FileMode
	dirMode  os.FileMode
	now      func() time.Time // nil: the file system's clock
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
}

// Open returns a Store keeping its artifacts in dir, creating dir if needed,
// and removes the temporary files an interrupted Put left in it.
func Open(dir string, opts *Options) (*Store, error) {
	s := &Store{fileMode: 0o600, dirMode: 0o700}
	if opts != nil {
		if opts.FileMode != 0 {
			s.fileMode = opts.FileMode
		}
		if opts.DirMode != 0 {
			s.dirMode = opts.DirMode
		}
		s.now = opts.Now
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
	if err := s.removeTemps(); err != nil {
		root.Close()
		return nil, fmt.Errorf("fsstore: open %q: removing temporary files: %w", dir, err)
	}
	return s, nil
}

// Dir returns the directory the Store keeps its artifacts in.
func (s *Store) Dir() string { return s.root.Name() }

// Close releases the Store's handle on its directory. Readers returned by Get
// stay usable; other calls fail afterwards.
func (s *Store) Close() error { return s.root.Close() }
