package fsstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sync"

	"github.com/turbocache/turbocache/storage"
)

// copyBufs holds the buffers Put copies through: larger than io.Copy's
// 32 KiB, for fewer system calls on large artifacts.
var copyBufs = sync.Pool{New: func() any { return new([256 << 10]byte) }}

// Put stores the bytes of r under key. It writes them to a temporary file
// beside the artifact's file, syncs it and renames it into place.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := s.put(ctx, key, r, size, md); err != nil {
		return fmt.Errorf("fsstore: put %q: %w", key, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	tmp, err := s.writeTemp(ctx, key, r, size, md)
	if err != nil {
		return err
	}
	if err := s.root.Rename(tmp, key); err != nil {
		s.root.Remove(tmp)
		return err
	}
	return nil
}

// writeTemp writes the artifact's file, header and bytes, to a new
// temporary file beside key's file, syncs and closes it, and returns its
// name. The caller moves it into place or removes it. On error nothing is
// left behind.
func (s *Store) writeTemp(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	header, err := encodeHeader(md)
	if err != nil {
		return "", err
	}
	tmp, f, err := s.createTemp(key)
	if errors.Is(err, fs.ErrNotExist) {
		// The artifact's directory does not exist yet: create it only
		// now, sparing every later Put the system calls of MkdirAll.
		if dir := path.Dir(key); dir != "." {
			if err := s.root.MkdirAll(dir, s.dirMode); err != nil {
				return "", err
			}
			tmp, f, err = s.createTemp(key)
		}
	}
	if err != nil {
		return "", err
	}
	written := false
	defer func() {
		if !written {
			f.Close()
			s.root.Remove(tmp)
		}
	}()

	buf := copyBufs.Get().(*[256 << 10]byte)
	defer copyBufs.Put(buf)
	// The header and the start of the body go out in one write: one
	// system call for a small artifact, instead of two.
	src := storage.ExactReader(ctx, r, size)
	n := copy(buf[:], header)
	m, err := io.ReadFull(src, buf[n:])
	whole := err == io.EOF || err == io.ErrUnexpectedEOF
	if err != nil && !whole {
		return "", err
	}
	dst := newWriteback(f)
	if _, err := dst.Write(buf[:n+m]); err != nil {
		return "", err
	}
	if !whole {
		if _, err := io.CopyBuffer(dst, src, buf[:]); err != nil {
			return "", err
		}
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err // the deferred Close fails harmlessly
	}
	if s.now != nil {
		t := s.now()
		if err := s.root.Chtimes(tmp, t, t); err != nil {
			return "", err
		}
	}
	written = true
	return tmp, nil
}

// createTemp creates a new temporary file beside key's file. Its name holds
// '~', which no key holds, so it never collides with an artifact.
func (s *Store) createTemp(key string) (string, *os.File, error) {
	for range 10 {
		var random [8]byte
		rand.Read(random[:])
		name := key + tempMark + hex.EncodeToString(random[:])
		f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, s.fileMode)
		if os.IsExist(err) {
			continue
		}
		if err == nil {
			lockTemp(f)
		}
		return name, f, err
	}
	return "", nil, fmt.Errorf("no unused temporary file name beside %q", key)
}
