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

// List yields the artifacts whose keys start with prefix. Files that are not
// artifacts (temporary files, anything whose name is not a valid key) are
// skipped.
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
				if name == start && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll
				}
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if d.IsDir() {
				if name != start && !strings.HasPrefix(name, prefix) && !strings.HasPrefix(prefix, name+"/") {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !strings.HasPrefix(name, prefix) || storage.ValidKey(name) != nil {
				return nil
			}
			info, err := s.Stat(ctx, name)
			if errors.Is(err, storage.ErrNotFound) {
				return nil // deleted during the walk
			}
			if err != nil {
				return err
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

// removeTemps removes the temporary files below the root that no Put is
// writing: those a crash or a killed process left.
func (s *Store) removeTemps() error {
	return fs.WalkDir(s.root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.Contains(path.Base(name), tempMark) && !s.tempInUse(name) {
			if err := s.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		return nil
	})
}
