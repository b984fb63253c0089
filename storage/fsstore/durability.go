package fsstore

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
)

// How an unbounded or bounded Store makes its artifacts durable, unless
// Options.SyncEachPut asks for a sync of every artifact before its Put
// returns:
//
// A Put writes the artifact's file and renames it into place without
// waiting for the disk. Every defaultSyncEvery, when something was written,
// the Store syncs its whole file system once (syncfs(2)), then records the
// time the sync started in its checkpoint file. A process crash loses
// nothing (the kernel has the data); a power loss or a kernel crash can
// lose or tear the files written since the last sync. Every artifact file
// carries a checksum of its bytes and their length (format.go), and Open
// verifies every artifact file changed after the oldest checkpoint it finds
// of a Store that did not close cleanly (or is still running): a torn file
// is removed, never served.
const (
	defaultSyncEvery = time.Second
	// checkpointSlack covers the file system clock, which trails
	// time.Now by up to a tick, and clock steps.
	checkpointSlack = time.Second
	// checkpointPrefix starts the names of the checkpoint files, at the
	// directory's root. They hold tempMark, so no key takes their name,
	// and each is locked by its live Store, so that no other Store's Open
	// removes it as a leftover.
	checkpointPrefix = "sync" + tempMark
)

// readCheckpoints returns the oldest time recorded in the checkpoint files
// at the root: of Stores still running or that did not close cleanly. It
// reports false when there are none: every artifact file was synced.
func (s *Store) readCheckpoints() (time.Time, bool) {
	entries, err := fs.ReadDir(s.root.FS(), ".")
	if err != nil {
		return time.Time{}, false
	}
	var oldest time.Time
	found := false
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), checkpointPrefix) {
			continue
		}
		t := time.Unix(0, 0) // unreadable: verify everything
		if b, err := s.root.ReadFile(e.Name()); err == nil && len(b) >= 8 {
			t = time.Unix(0, int64(binary.LittleEndian.Uint64(b)))
		}
		if !found || t.Before(oldest) {
			oldest, found = t, true
		}
	}
	return oldest, found
}

// verifyRecent checks the artifact files changed at or after since (less
// the slack): their length and checksum. It removes those a crash tore and
// returns the others.
func (s *Store) verifyRecent(all []found, since time.Time) []found {
	limit := since.Add(-checkpointSlack).UnixNano()
	kept := all[:0]
	for _, f := range all {
		if f.changed >= limit {
			if err := s.verify(f.key); err != nil {
				if rmErr := s.root.Remove(f.key); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
					s.log.Warn("fsstore: removing a torn artifact failed", "key", f.key, "err", rmErr)
				}
				s.log.Warn("fsstore: removed an artifact that a crash left torn", "key", f.key, "err", err)
				s.torn++
				continue
			}
		}
		kept = append(kept, f)
	}
	return kept
}

// verify reads the artifact file of key whole and checks its length and
// checksum. Version 1 files, which carry none, were synced before they
// were renamed into place, and pass.
func (s *Store) verify(key string) error {
	f, err := s.root.Open(key)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	h, err := readHeader(f)
	if err != nil {
		return err
	}
	if h.size < 0 {
		return nil
	}
	if fi.Size() != h.offset+h.size {
		return fmt.Errorf("%w: %d bytes, the header says %d", errCorrupt, fi.Size(), h.offset+h.size)
	}
	sum := &crcWriter{}
	buf := copyBufs.Get().(*[256 << 10]byte)
	defer copyBufs.Put(buf)
	if _, err := io.CopyBuffer(sum, io.NewSectionReader(f, h.offset, h.size), buf[:]); err != nil {
		return err
	}
	if sum.crc != h.crc {
		return fmt.Errorf("%w: checksum %08x, the header says %08x", errCorrupt, sum.crc, h.crc)
	}
	return nil
}

// startCheckpoint creates this Store's checkpoint file, locked while the
// Store lives, records now in it, and makes its name durable.
func (s *Store) startCheckpoint() error {
	var random [8]byte
	rand.Read(random[:])
	name := checkpointPrefix + hex.EncodeToString(random[:])
	f, err := s.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, s.fileMode)
	if err != nil {
		return err
	}
	lockTemp(f)
	s.checkpoint, s.checkpointName = f, name
	if err := s.writeCheckpoint(time.Now()); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return s.syncDir(".")
}

// writeCheckpoint records t, the start of a sync that succeeded. It need
// not be synced itself: the next sync takes it, and a lost write leaves an
// older time, which only makes Open verify more.
func (s *Store) writeCheckpoint(t time.Time) error {
	_, err := s.checkpoint.WriteAt(binary.LittleEndian.AppendUint64(nil, uint64(t.UnixNano())), 0)
	return err
}

// syncNow makes what was written durable, and moves the checkpoint.
func (s *Store) syncNow() error {
	if !s.written.Swap(false) {
		return nil
	}
	start := time.Now()
	if err := syncFS(s.checkpoint); err != nil {
		s.written.Store(true)
		return err
	}
	return s.writeCheckpoint(start)
}

// endCheckpoint syncs what is left and removes the checkpoint file: the
// next Open has nothing to verify on this Store's account.
func (s *Store) endCheckpoint() error {
	s.written.Store(true)
	err := s.syncNow()
	s.checkpoint.Close()
	if err == nil {
		err = s.root.Remove(s.checkpointName)
	}
	return err
}

// syncDir syncs the directory dir below the root, making the names in it
// durable.
func (s *Store) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
