package fsstore

import (
	"context"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// errNoRename is what renameAcross returns where it cannot rename, so that
// Move copies instead.
var errNoRename = errors.New("renaming between stores is not supported here")

// Move moves the artifact stored under key in from into s, where it
// replaces any artifact s stores under key, and removes it from from. The
// artifact keeps its metadata and its creation time.
//
// When both Stores are on one file system, the artifact's file is renamed:
// no byte is copied, and a reader of s sees the old artifact or the new
// one, never a mix. Otherwise it is copied with Get and Put, then deleted
// from from. If s syncs each Put and from does not, the file is synced
// before it moves.
//
// Move fails with an error wrapping storage.ErrNotFound when from has no
// artifact under key, and with one wrapping storage.ErrTooLarge when the
// artifact exceeds s's bound; from keeps the artifact on every failure.
// A Put of key into from while it moves may move either version.
func (s *Store) Move(ctx context.Context, key string, from *Store) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := s.move(ctx, key, from); err != nil {
		return fmt.Errorf("fsstore: move %q: %w", key, err)
	}
	return nil
}

func (s *Store) move(ctx context.Context, key string, from *Store) error {
	f, info, err := from.open(ctx, key, false)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err == nil && s.syncEachPut && !from.syncEachPut {
		err = f.Sync()
	}
	f.Close()
	if err != nil || from == s {
		return err
	}
	fileSize := fi.Size()
	if s.maxSize > 0 && fileSize > s.maxSize {
		return s.tooLarge(fileSize)
	}
	if path.Dir(key) != "." {
		if err := s.root.MkdirAll(path.Dir(key), s.dirMode); err != nil {
			return spaceErr(err)
		}
	}
	err = s.install(key, fileSize, func() error { return renameAcross(from, s, key) })
	if errors.Is(err, errNoRename) {
		return s.copyFrom(ctx, key, from, info.Created)
	}
	if err != nil {
		return err
	}
	from.forget(key)
	return s.made(key)
}

// copyFrom is Move by copying, for Stores on different file systems: Put
// into s, then Delete from from. created is the artifact's creation time,
// which the copy takes over.
func (s *Store) copyFrom(ctx context.Context, key string, from *Store, created time.Time) error {
	rc, info, err := from.Get(ctx, key)
	if err != nil {
		return err
	}
	err = s.put(ctx, key, rc, info.Size, info.Metadata)
	rc.Close()
	if err != nil {
		return err
	}
	if !created.IsZero() {
		if err := s.root.Chtimes(key, time.Time{}, created); err != nil {
			s.log.Debug("fsstore: keeping the creation time of a copied artifact failed", "key", key, "err", err)
		}
	}
	return from.Delete(ctx, key)
}
