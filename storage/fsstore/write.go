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
	if s.maxSize > 0 && size > s.maxSize {
		return s.tooLarge(size)
	}
	tmp, fileSize, err := s.writeTemp(ctx, key, r, size, md)
	if err != nil {
		return err
	}
	if s.maxSize > 0 && fileSize > s.maxSize {
		s.root.Remove(tmp)
		return s.tooLarge(fileSize)
	}
	err = s.install(key, fileSize, func() error { return s.root.Rename(tmp, key) })
	if err != nil {
		s.root.Remove(tmp)
		return err
	}
	return nil
}

func (s *Store) tooLarge(size int64) error {
	return fmt.Errorf("%w: %d bytes exceed the store's bound of %d", storage.ErrTooLarge, size, s.maxSize)
}

// writeTemp writes the artifact's file, header and bytes, to a new
// temporary file beside key's file, syncs and closes it, and returns its
// name and size. The caller moves it into place or removes it. On error
// nothing is left behind, not even a directory this call created.
func (s *Store) writeTemp(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) (string, int64, error) {
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	header, err := encodeHeader(md)
	if err != nil {
		return "", 0, err
	}
	tmp, f, madeDir, err := s.createTempDir(key)
	if err != nil {
		return "", 0, err
	}
	written := false
	defer func() {
		if !written {
			f.Close()
			s.root.Remove(tmp)
			if madeDir {
				// Fails, as it should, when another Put uses the directory.
				s.root.Remove(path.Dir(key))
			}
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
		return "", 0, err
	}
	left := int64(-1)
	if size >= 0 {
		left = int64(len(header)) + size
	}
	dst := &roomWriter{s: s, w: newWriteback(f), left: left}
	if _, err := dst.Write(buf[:n+m]); err != nil {
		return "", 0, err
	}
	fileSize := int64(n + m)
	if !whole {
		c, err := io.CopyBuffer(dst, src, buf[:])
		fileSize += c
		if err != nil {
			return "", 0, err
		}
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	if err := f.Sync(); err != nil {
		if noSpace(err) {
			// What the kernel could not write is lost: fail this
			// upload, and make room for the next one.
			s.makeRoom(fileSize)
			err = errNoSpace(err)
		}
		return "", 0, err
	}
	if err := f.Close(); err != nil {
		return "", 0, err // the deferred Close fails harmlessly
	}
	if s.now != nil {
		t := s.now()
		if err := s.root.Chtimes(tmp, t, t); err != nil {
			return "", 0, err
		}
	}
	written = true
	return tmp, fileSize, nil
}

// createTempDir creates a temporary file beside key's file, creating its
// directory when missing, and reports whether it did. A full disk is met
// once by evicting artifacts.
func (s *Store) createTempDir(key string) (string, *os.File, bool, error) {
	madeDir, evicted := false, false
	for attempt := 0; ; attempt++ {
		tmp, f, err := s.createTemp(key)
		switch {
		case err == nil:
			return tmp, f, madeDir, nil
		case errors.Is(err, fs.ErrNotExist) && path.Dir(key) != "." && attempt < 3:
			// The artifact's directory does not exist yet (or a failed
			// Put just removed it): create it only now, sparing every
			// later Put the system calls of MkdirAll.
			if err := s.root.MkdirAll(path.Dir(key), s.dirMode); err != nil {
				if noSpace(err) && !evicted {
					evicted = true
					if s.makeRoom(noSpaceRoom) {
						continue
					}
				}
				return "", nil, false, spaceErr(err)
			}
			madeDir = true
		case noSpace(err) && !evicted:
			evicted = true
			if !s.makeRoom(noSpaceRoom) {
				return "", nil, false, errNoSpace(err)
			}
		default:
			return "", nil, false, spaceErr(err)
		}
	}
}

// spaceErr adds storage.ErrNoSpace to an error of a full disk.
func spaceErr(err error) error {
	if noSpace(err) {
		return errNoSpace(err)
	}
	return err
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
