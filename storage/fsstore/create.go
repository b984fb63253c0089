package fsstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/turbocache/turbocache/storage"
)

// Create stores the bytes of r under key unless an artifact is stored there
// already, in which case it fails with an error wrapping storage.ErrExists.
//
// It writes and syncs a temporary file as Put does, then links it to the
// artifact's name: link(2) fails when the name exists, which makes the check
// and the store one atomic step, across processes sharing the directory.
// The temporary name is removed whatever the outcome.
func (s *Store) Create(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := s.create(ctx, key, r, size, md); err != nil {
		return fmt.Errorf("fsstore: create %q: %w", key, err)
	}
	return nil
}

func (s *Store) create(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	if s.maxSize > 0 && size > s.maxSize {
		return s.tooLarge(size)
	}
	tmp, fileSize, err := s.writeTemp(ctx, key, r, size, md)
	if err != nil {
		return err
	}
	defer s.root.Remove(tmp)
	if s.maxSize > 0 && fileSize > s.maxSize {
		return s.tooLarge(fileSize)
	}
	err = s.install(key, fileSize, func() error { return s.root.Link(tmp, key) })
	if err == nil {
		return s.made(key)
	}
	if errors.Is(err, fs.ErrExist) {
		// The name is taken: by an artifact, or by a directory of keys
		// that have key as their prefix, which is no artifact.
		if fi, statErr := s.root.Lstat(key); statErr == nil && fi.Mode().IsRegular() {
			return storage.ErrExists
		}
	}
	return err
}
