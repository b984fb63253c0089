package fsstore_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/tmpfs"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

var moveMetadata = storage.Metadata{Duration: 1500 * time.Millisecond, Tag: "tag", SHA: "0123abc", DirtyHash: "d1"}

// putAt stores body under key, created at created.
func putAt(t *testing.T, dir, key string, body []byte, created time.Time) *fsstore.Store {
	t.Helper()
	s := open(t, dir, &fsstore.Options{Now: func() time.Time { return created }})
	require.NoError(t, s.Put(context.Background(), key, bytes.NewReader(body), int64(len(body)), moveMetadata))
	return s
}

// requireMoved checks that to serves key as body with the metadata and
// creation time it had in from, and that from has it no more.
func requireMoved(t *testing.T, from, to *fsstore.Store, key string, body []byte, created time.Time) {
	t.Helper()
	ctx := context.Background()
	rc, info, err := to.Get(ctx, key)
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(t, err)
	assert.Equal(t, body, got)
	assert.Equal(t, moveMetadata, info.Metadata)
	assert.True(t, info.Created.Equal(created), "created %v, want %v", info.Created, created)
	_, _, err = from.Get(ctx, key)
	require.ErrorIs(t, err, storage.ErrNotFound)
	assert.Zero(t, from.Usage().Artifacts)
	assert.Equal(t, int64(1), to.Usage().Artifacts)
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fi.Sys().(*syscall.Stat_t).Ino
}

func TestMoveRenames(t *testing.T) {
	ctx := context.Background()
	const key = "team/0123456789abcdef"
	body := bytes.Repeat([]byte("moved "), 1000)
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	fromDir, toDir := t.TempDir(), t.TempDir()
	from := putAt(t, fromDir, key, body, created)
	to := open(t, toDir, nil)
	before := inode(t, filepath.Join(fromDir, key))

	require.NoError(t, to.Move(ctx, key, from))
	requireMoved(t, from, to, key, body, created)
	assert.Equal(t, before, inode(t, filepath.Join(toDir, key)), "the file itself moved: nothing was copied")

	t.Run("over an artifact", func(t *testing.T) {
		newer := []byte("newer")
		from := putAt(t, t.TempDir(), key, newer, created)
		require.NoError(t, to.Move(ctx, key, from))
		requireMoved(t, from, to, key, newer, created)
		assert.Equal(t, artifactBytes(len(newer))+int64(len("tag0123abcd1")), to.Usage().Bytes, "the index counts the new file only")
	})
}

func TestMoveRefuses(t *testing.T) {
	ctx := context.Background()
	const key = "team/0123456789abcdef"
	body := bytes.Repeat([]byte{1}, 4096)
	from := putAt(t, t.TempDir(), key, body, time.Now())

	err := open(t, t.TempDir(), nil).Move(ctx, "team/missing", from)
	require.ErrorIs(t, err, storage.ErrNotFound)
	assert.ErrorContains(t, err, `fsstore: move "team/missing"`)

	small := open(t, t.TempDir(), &fsstore.Options{MaxSize: 1024})
	require.ErrorIs(t, small.Move(ctx, key, from), storage.ErrTooLarge)
	_, err = small.Stat(ctx, key)
	require.ErrorIs(t, err, storage.ErrNotFound)

	require.ErrorContains(t, small.Move(ctx, "../escape", from), "../escape")
	require.NoError(t, from.Move(ctx, key, from), "a move into the same store leaves the artifact")
	_, err = from.Stat(ctx, key)
	require.NoError(t, err, "every refused move leaves the artifact where it was")
}

// A move between file systems copies, and keeps the creation time.
func TestMoveCopiesAcrossFileSystems(t *testing.T) {
	ctx := context.Background()
	const key = "team/0123456789abcdef"
	body := bytes.Repeat([]byte("copied "), 1000)
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	from := putAt(t, tmpfs.Mount(t, "4m"), key, body, created)
	to := open(t, t.TempDir(), nil)
	require.NoError(t, to.Move(ctx, key, from))
	requireMoved(t, from, to, key, body, created)
}
