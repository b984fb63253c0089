package fsstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/turbocache/turbocache/storage"
)

// Get opens the artifact stored under key. The reader is the artifact's
// *os.File, positioned at the artifact's first byte and ending with its
// last, so that copying it to a network connection with io.CopyN can use
// sendfile.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	f, info, err := s.open(ctx, key)
	if err != nil {
		return nil, storage.Info{}, err
	}
	if _, err := f.Seek(-info.Size, io.SeekEnd); err != nil {
		f.Close()
		return nil, storage.Info{}, fmt.Errorf("fsstore: get %q: %w", key, err)
	}
	return f, info, nil
}

// Stat reports on the artifact stored under key.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	f, info, err := s.open(ctx, key)
	if err != nil {
		return storage.Info{}, err
	}
	f.Close()
	return info, nil
}

// open opens the file of key and reads its header.
func (s *Store) open(ctx context.Context, key string) (*os.File, storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, storage.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, storage.Info{}, err
	}
	f, err := s.root.Open(key)
	if err != nil {
		return nil, storage.Info{}, fmt.Errorf("fsstore: open %q: %w", key, notFound(err))
	}
	info, err := readInfo(f)
	if err != nil {
		f.Close()
		return nil, storage.Info{}, fmt.Errorf("fsstore: open %q: %w", key, notFound(err))
	}
	return f, info, nil
}

// readInfo reads what the header and the file system say about an artifact.
func readInfo(f *os.File) (storage.Info, error) {
	fi, err := f.Stat()
	if err != nil {
		return storage.Info{}, err
	}
	if !fi.Mode().IsRegular() {
		return storage.Info{}, fs.ErrNotExist // a directory named like a key
	}
	md, offset, err := readHeader(f)
	if err != nil {
		return storage.Info{}, err
	}
	if fi.Size() < offset {
		return storage.Info{}, errCorrupt
	}
	return storage.Info{Size: fi.Size() - offset, Created: fi.ModTime(), Metadata: md}, nil
}

// Delete removes the artifact stored under key, if any.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fi, err := s.root.Lstat(key)
	if err == nil && fi.IsDir() {
		return nil // a directory is not an artifact
	}
	if err == nil {
		err = s.root.Remove(key)
	}
	if err != nil && !errors.Is(notFound(err), storage.ErrNotFound) {
		return fmt.Errorf("fsstore: delete %q: %w", key, err)
	}
	return nil
}

// notFound adds storage.ErrNotFound to errors that mean the key names no
// artifact: a missing file, or a path through a file (ENOTDIR).
func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("%w: %w", storage.ErrNotFound, err)
	}
	return err
}
