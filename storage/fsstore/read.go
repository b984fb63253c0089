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
	f, info, err := s.open(ctx, key, true)
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
	return s.stat(ctx, key, true)
}

// stat is Stat, recording a use of the artifact or not.
func (s *Store) stat(ctx context.Context, key string, use bool) (storage.Info, error) {
	f, info, err := s.open(ctx, key, use)
	if err != nil {
		return storage.Info{}, err
	}
	f.Close()
	return info, nil
}

// open opens the file of key and reads its header, and records the use if
// use is set. A file that is not an artifact is a miss, and is skipped.
func (s *Store) open(ctx context.Context, key string, use bool) (*os.File, storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, storage.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, storage.Info{}, err
	}
	f, err := s.root.Open(key)
	if err != nil {
		err = notFound(err)
		if errors.Is(err, storage.ErrNotFound) {
			s.forget(key)
		}
		return nil, storage.Info{}, fmt.Errorf("fsstore: open %q: %w", key, err)
	}
	info, fileSize, err := readInfo(f)
	if err != nil {
		f.Close()
		if errors.Is(err, errCorrupt) {
			s.skips.add(s.log, key, err)
			err = fmt.Errorf("%w: %w", storage.ErrNotFound, err)
		}
		err = notFound(err)
		if errors.Is(err, storage.ErrNotFound) {
			s.forget(key)
		}
		return nil, storage.Info{}, fmt.Errorf("fsstore: open %q: %w", key, err)
	}
	if use {
		s.used(key, fileSize)
	}
	return f, info, nil
}

// readInfo reads what the header and the file system say about an
// artifact, and the size of its file.
func readInfo(f *os.File) (storage.Info, int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return storage.Info{}, 0, err
	}
	if !fi.Mode().IsRegular() {
		return storage.Info{}, 0, fs.ErrNotExist // a directory named like a key
	}
	md, offset, err := readHeader(f)
	if err != nil {
		return storage.Info{}, 0, err
	}
	if fi.Size() < offset {
		return storage.Info{}, 0, errCorrupt
	}
	return storage.Info{Size: fi.Size() - offset, Created: fi.ModTime(), Metadata: md}, fi.Size(), nil
}

// Delete removes the artifact stored under key, if any.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock() // a Put's rename and the index change as one
	defer s.mu.Unlock()
	fi, err := s.root.Lstat(key)
	if err == nil && fi.IsDir() {
		return nil // a directory is not an artifact
	}
	if err == nil {
		err = s.root.Remove(key)
	}
	if e := s.idx.get(key); e != nil && (err == nil || errors.Is(err, fs.ErrNotExist)) {
		s.idx.remove(e)
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
