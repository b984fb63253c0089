package fsstore

import (
	"context"
	"errors"
	"io/fs"
	"iter"
	"path"
	"strings"

	"github.com/turbocache/turbocache/storage"
)

// tempMark is in the name of every temporary file and of no artifact.
const tempMark = "~"

// List yields the artifacts whose keys start with prefix. Entries that are
// not artifacts (temporary files, files and directories whose names are not
// keys or that cannot be read, files without an artifact's header) are
// skipped, so that a stray file or a lost+found directory does not stop an
// expiry sweep.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[storage.Object, error] {
	return func(yield func(storage.Object, error) bool) {
		start := "."
		if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
			start = prefix[:i]
		}
		if start != "." && storage.ValidKey(start) != nil {
			return // no artifact can start with this prefix
		}
		err := fs.WalkDir(s.root.FS(), start, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				if name == start {
					if errors.Is(err, fs.ErrNotExist) {
						return fs.SkipAll
					}
					return err
				}
				s.skips.add(s.log, name, err)
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if d.IsDir() {
				if name != start && !strings.HasPrefix(name, prefix) && !strings.HasPrefix(prefix, name+"/") {
					return fs.SkipDir
				}
				if name != "." && storage.ValidKey(name) != nil {
					s.skips.add(s.log, name, errNotKey)
					return fs.SkipDir
				}
				return nil
			}
			if !strings.HasPrefix(name, prefix) || strings.Contains(path.Base(name), tempMark) {
				return nil
			}
			if !d.Type().IsRegular() || storage.ValidKey(name) != nil {
				s.skips.add(s.log, name, errNotKey)
				return nil
			}
			info, err := s.stat(ctx, name, false)
			if errors.Is(err, storage.ErrNotFound) {
				return nil // deleted during the walk
			}
			if err != nil {
				if ctx.Err() != nil {
					return err
				}
				s.skips.add(s.log, name, err)
				return nil
			}
			if !yield(storage.Object{Key: name, Size: info.Size, Created: info.Created}, nil) {
				return fs.SkipAll
			}
			return nil
		})
		if err != nil {
			yield(storage.Object{}, err)
		}
	}
}
