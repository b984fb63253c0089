package fsstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

// TestTornFilesAreNeverServed makes concrete what a power loss can leave of
// files written since the last sync (truncated, zero-filled, old blocks,
// an unsealed header) and checks that none is served after the restart,
// and that each is removed.
func TestTornFilesAreNeverServed(t *testing.T) {
	if !batchedSync {
		t.Skip("every Put syncs here")
	}
	dir := t.TempDir()
	ctx := context.Background()
	crashed, err := Open(dir, nil)
	require.NoError(t, err)
	defer crashed.Close()
	body := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	damage := map[string]func(f *os.File, fi os.FileInfo){
		"team/truncated":  func(f *os.File, fi os.FileInfo) { require.NoError(t, f.Truncate(fi.Size()-1000)) },
		"team/header":     func(f *os.File, fi os.FileInfo) { require.NoError(t, f.Truncate(int64(prefixLen-4))) },
		"team/zeroed":     func(f *os.File, fi os.FileInfo) { writeAt(t, f, make([]byte, 8192), fi.Size()-8192) },
		"team/flipped":    func(f *os.File, fi os.FileInfo) { flip(t, f, fi.Size()/2) },
		"team/flippedmd":  func(f *os.File, fi os.FileInfo) { flip(t, f, int64(prefixLen)+9) },
		"team/unsealed":   func(f *os.File, fi os.FileInfo) { writeAt(t, f, make([]byte, 12), crcOffset) },
		"team/allzero":    func(f *os.File, fi os.FileInfo) { writeAt(t, f, make([]byte, fi.Size()), 0) },
		"team/extended":   func(f *os.File, fi os.FileInfo) { writeAt(t, f, []byte("junk"), fi.Size()) },
		"team/zerolength": func(f *os.File, fi os.FileInfo) { require.NoError(t, f.Truncate(0)) },
	}
	for key := range damage {
		require.NoError(t, crashed.Put(ctx, key, bytes.NewReader(body), int64(len(body)), storage.Metadata{SHA: "abc", Tag: "tag"}))
	}
	require.NoError(t, crashed.Put(ctx, "team/intact", bytes.NewReader(body), int64(len(body)), storage.Metadata{SHA: "abc"}))
	for key, hurt := range damage {
		f, err := os.OpenFile(filepath.Join(dir, key), os.O_RDWR, 0)
		require.NoError(t, err)
		fi, err := f.Stat()
		require.NoError(t, err)
		hurt(f, fi)
		require.NoError(t, f.Close())
	}

	// The Store that wrote them never closed: its checkpoint is still there.
	s, err := Open(dir, nil)
	require.NoError(t, err)
	defer s.Close()
	for key := range damage {
		_, _, err := s.Get(ctx, key)
		assert.ErrorIs(t, err, storage.ErrNotFound, "%s is served", key)
		assert.NoFileExists(t, filepath.Join(dir, key), "%s is not cleaned up", key)
	}
	rc, info, err := s.Get(ctx, "team/intact")
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(t, err)
	assert.Equal(t, body, got)
	assert.Equal(t, "abc", info.SHA)
	assert.Equal(t, int64(len(damage)), s.torn)
}

// TestCleanCloseLeavesNothingToVerify: after Close, no checkpoint file is
// left, and the next Open reads no artifact whole.
func TestCleanCloseLeavesNothingToVerify(t *testing.T) {
	if !batchedSync {
		t.Skip("every Put syncs here")
	}
	dir := t.TempDir()
	s, err := Open(dir, nil)
	require.NoError(t, err)
	require.NoError(t, s.Put(context.Background(), "team/a", bytes.NewReader([]byte("a")), 1, storage.Metadata{}))
	require.NoError(t, s.Close())
	_, unsynced := (&Store{root: mustRoot(t, dir)}).readCheckpoints()
	assert.False(t, unsynced, "a checkpoint file is left after Close")
}

// TestSyncEachPutKeepsNoCheckpoint: the stronger mode syncs every Put, and
// needs neither a checkpoint nor a verification.
func TestSyncEachPutKeepsNoCheckpoint(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, &Options{SyncEachPut: true})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Put(context.Background(), "team/a", bytes.NewReader([]byte("a")), 1, storage.Metadata{}))
	_, unsynced := (&Store{root: mustRoot(t, dir)}).readCheckpoints()
	assert.False(t, unsynced)
}

// TestVersion1Files: files of the first format, with JSON metadata and no
// checksum, are still served.
func TestVersion1Files(t *testing.T) {
	dir := t.TempDir()
	meta := []byte(`{"duration_ns":5000000000,"tag":"t","sha":"abc"}`) // as version 1 wrote it
	file := append([]byte(magicV1), binary.LittleEndian.AppendUint32(nil, uint32(len(meta)))...)
	file = append(append(file, meta...), "old bytes"...)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "team"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "team", "old"), file, 0o600))
	s, err := Open(dir, nil)
	require.NoError(t, err)
	defer s.Close()
	rc, info, err := s.Get(context.Background(), "team/old")
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(t, err)
	assert.Equal(t, "old bytes", string(got))
	assert.Equal(t, storage.Metadata{Duration: 5e9, SHA: "abc", Tag: "t"}, info.Metadata)
	assert.NoError(t, s.verify("team/old"))
}

func mustRoot(t *testing.T, dir string) *os.Root {
	r, err := os.OpenRoot(dir)
	require.NoError(t, err)
	t.Cleanup(func() { r.Close() })
	return r
}

func writeAt(t *testing.T, f *os.File, b []byte, off int64) {
	_, err := f.WriteAt(b, off)
	require.NoError(t, err)
}

func flip(t *testing.T, f *os.File, off int64) {
	b := make([]byte, 1)
	_, err := f.ReadAt(b, off)
	require.NoError(t, err)
	b[0] ^= 0x20
	writeAt(t, f, b, off)
}
