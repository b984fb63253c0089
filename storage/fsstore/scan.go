package fsstore

import (
	"cmp"
	"errors"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/turbocache/turbocache/storage"
)

// found is an artifact file seen by a scan of the directory.
type found struct {
	key  string
	size int64
	used int64 // the file's access time, Unix nanoseconds
}

// scan walks the directory: it removes the temporary files no Put is
// writing (those a crash or a killed process left), skips what is not an
// artifact, and returns the artifact files from the most to the least
// recently used. Only a failure to read the directory itself is an error.
//
// It reads no file: a file with a key's name is taken for an artifact until
// a read, or an eviction, finds out otherwise.
func (s *Store) scan() ([]found, error) {
	var out []found
	err := fs.WalkDir(s.root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == "." {
				return err
			}
			// An unreadable entry, such as a root-owned lost+found.
			s.skips.add(s.log, name, err)
			return nil
		}
		if name == "." {
			return nil
		}
		if d.IsDir() {
			if storage.ValidKey(name) != nil {
				s.skips.add(s.log, name, errNotKey)
				return fs.SkipDir
			}
			return nil
		}
		if strings.Contains(path.Base(name), tempMark) {
			if !s.tempInUse(name) {
				if err := s.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
					s.skips.add(s.log, name, err)
				}
			}
			return nil
		}
		if !d.Type().IsRegular() || storage.ValidKey(name) != nil {
			s.skips.add(s.log, name, errNotKey)
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed during the walk
		}
		if err != nil {
			s.skips.add(s.log, name, err)
			return nil
		}
		if fi.Size() < int64(prefixLen) {
			s.skips.add(s.log, name, errCorrupt)
			return nil
		}
		out = append(out, found{key: name, size: fi.Size(), used: accessTime(fi).UnixNano()})
		return nil
	})
	slices.SortFunc(out, func(a, b found) int { return cmp.Compare(b.used, a.used) })
	return out, err
}

// errNotKey is why entries whose names are not keys are skipped.
var errNotKey = errors.New("not a valid artifact key, or not a regular file")

// maxSkipsRemembered bounds the memory the names of skipped entries take:
// past it, new ones are neither logged nor counted.
const maxSkipsRemembered = 10000

// skips remembers the entries of the directory that are not artifacts, so
// that each is logged once and counted once.
type skips struct {
	mu    sync.Mutex
	names map[string]struct{}
	count int64
}

// total returns how many entries were skipped.
func (k *skips) total() int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.count
}

// add records name as skipped for err, logging it the first time.
func (k *skips) add(log *slog.Logger, name string, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.names[name]; ok || len(k.names) >= maxSkipsRemembered {
		return
	}
	if k.names == nil {
		k.names = make(map[string]struct{})
	}
	k.names[name] = struct{}{}
	k.count++
	log.Warn("fsstore: skipping an entry that is not an artifact", "name", name, "err", err)
}
