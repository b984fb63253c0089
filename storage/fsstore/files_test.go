package fsstore_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

func open(t testing.TB, dir string, opts *fsstore.Options) *fsstore.Store {
	t.Helper()
	s, err := fsstore.Open(dir, opts)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	s := open(t, dir, nil)
	require.NoError(t, s.Put(context.Background(), "team/abc", bytes.NewReader([]byte("x")), 1, storage.Metadata{}))

	for name, want := range map[string]os.FileMode{
		".":        0o700 | os.ModeDir,
		"team":     0o700 | os.ModeDir,
		"team/abc": 0o600,
	} {
		fi, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, want, fi.Mode(), "mode of %s", name)
	}
}

func TestGetReturnsTheFile(t *testing.T) {
	s := open(t, t.TempDir(), nil)
	ctx := context.Background()
	require.NoError(t, s.Put(ctx, "team/abc", bytes.NewReader([]byte("artifact")), 8, storage.Metadata{Tag: "t"}))

	rc, info, err := s.Get(ctx, "team/abc")
	require.NoError(t, err)
	defer rc.Close()
	f, ok := rc.(*os.File)
	require.True(t, ok, "Get returned %T, want *os.File (for sendfile)", rc)
	got, err := io.ReadAll(io.LimitReader(f, info.Size))
	require.NoError(t, err)
	assert.Equal(t, "artifact", string(got))
}

func TestOpenRemovesTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, nil)
	ctx := context.Background()
	require.NoError(t, s.Put(ctx, "team/kept", bytes.NewReader([]byte("kept")), 4, storage.Metadata{}))
	require.NoError(t, s.Close())

	// What a Put interrupted by a crash leaves behind.
	leftovers := []string{"team/kept~0123456789abcdef", "team/gone~fedcba9876543210", "other/x~00"}
	for _, name := range leftovers {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("partial"), 0o600))
	}

	s = open(t, dir, nil)
	for _, name := range leftovers {
		assert.NoFileExists(t, filepath.Join(dir, name))
	}
	rc, _, err := s.Get(ctx, "team/kept")
	require.NoError(t, err)
	defer rc.Close()
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Equal(t, "kept", string(got))
}

func TestFailedPutLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, nil)
	err := s.Put(context.Background(), "team/short", bytes.NewReader([]byte("abc")), 10, storage.Metadata{})
	require.Error(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "files or the team's new directory left after a failed Put")

	// A directory that existed before the failed Put stays.
	require.NoError(t, s.Put(context.Background(), "team/ok", bytes.NewReader([]byte("ok")), 2, storage.Metadata{}))
	require.Error(t, s.Put(context.Background(), "team/short", bytes.NewReader([]byte("abc")), 10, storage.Metadata{}))
	entries, err = os.ReadDir(filepath.Join(dir, "team"))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "ok", entries[0].Name())
}

func TestSymlinksCannotEscapeTheRoot(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret")
	require.NoError(t, os.WriteFile(secret, []byte("secret"), 0o600))
	// A team directory and an artifact that point outside the root.
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "team")))
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "file")))

	s := open(t, dir, nil)
	ctx := context.Background()
	_, _, err := s.Get(ctx, "team/secret")
	assert.Error(t, err, "Get through a symlinked directory")
	_, err = s.Stat(ctx, "file")
	assert.Error(t, err, "Stat of a symlink to a file outside")
	err = s.Put(ctx, "team/new", bytes.NewReader([]byte("x")), 1, storage.Metadata{})
	assert.Error(t, err, "Put through a symlinked directory")
	assert.NoFileExists(t, filepath.Join(outside, "new"))
	assert.NoError(t, s.Delete(ctx, "file"))
	assert.FileExists(t, secret, "Delete followed a symlink")
	_ = s.Delete(ctx, "team/secret") // an error or nothing, never a removal outside
	assert.FileExists(t, secret, "Delete through a symlinked directory")

	for obj, err := range s.List(ctx, "") {
		require.NoError(t, err)
		t.Errorf("List yielded %q, which is outside the root", obj.Key)
	}
}

func TestNowSetsCreated(t *testing.T) {
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := open(t, t.TempDir(), &fsstore.Options{Now: func() time.Time { return created }})
	ctx := context.Background()
	require.NoError(t, s.Put(ctx, "team/a", bytes.NewReader(nil), 0, storage.Metadata{}))
	info, err := s.Stat(ctx, "team/a")
	require.NoError(t, err)
	assert.True(t, created.Equal(info.Created), "Created = %v, want %v", info.Created, created)

	removed, err := storage.Sweep(ctx, s, created.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, removed)
}

func TestNotAnArtifact(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, nil)
	ctx := context.Background()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "junk"), []byte("not an artifact"), 0o600))
	require.NoError(t, s.Put(ctx, "team/a", bytes.NewReader(nil), 0, storage.Metadata{}))

	_, err := s.Stat(ctx, "junk")
	assert.ErrorIs(t, err, storage.ErrNotFound, "a file that is not an artifact is a miss")
	assert.FileExists(t, filepath.Join(dir, "junk"), "a foreign file is left alone")
	assert.Equal(t, int64(1), s.Usage().Skipped)
	_, err = s.Stat(ctx, "team")
	assert.ErrorIs(t, err, storage.ErrNotFound, "a directory is not an artifact")
	_, err = s.Stat(ctx, "team/a/b")
	assert.ErrorIs(t, err, storage.ErrNotFound, "a path through an artifact")
}

func TestOpenErrors(t *testing.T) {
	_, err := fsstore.Open("", nil)
	assert.ErrorContains(t, err, "empty directory")
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err = fsstore.Open(file, nil)
	assert.ErrorContains(t, err, file)
}

// TestKeyUnderAnArtifact stores keys that would need a path to be both a
// file and a directory: the second Put fails and the first artifact stays.
func TestKeyUnderAnArtifact(t *testing.T) {
	s := open(t, t.TempDir(), nil)
	ctx := context.Background()
	require.NoError(t, s.Put(ctx, "team/a", bytes.NewReader([]byte("file")), 4, storage.Metadata{}))
	assert.Error(t, s.Put(ctx, "team/a/b", bytes.NewReader([]byte("x")), 1, storage.Metadata{}))
	require.NoError(t, s.Put(ctx, "other/a/b", bytes.NewReader([]byte("deep")), 4, storage.Metadata{}))
	assert.Error(t, s.Put(ctx, "other/a", bytes.NewReader([]byte("x")), 1, storage.Metadata{}))

	for key, want := range map[string]int64{"team/a": 4, "other/a/b": 4} {
		info, err := s.Stat(ctx, key)
		require.NoError(t, err, key)
		assert.Equal(t, want, info.Size, key)
	}
	_, err := s.Stat(ctx, "other/a")
	assert.ErrorIs(t, err, storage.ErrNotFound)
}

// TestOpenKeepsTemporaryFilesInUse opens a second Store on a directory while
// a Put is writing to it: the Put's temporary file survives the second
// Open's cleanup, and the Put completes.
func TestOpenKeepsTemporaryFilesInUse(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock: a directory belongs to one Store at a time")
	}
	dir := t.TempDir()
	s := open(t, dir, nil)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- s.Put(context.Background(), "team/busy", pr, 8, storage.Metadata{}) }()
	_, err := pw.Write([]byte("half"))
	require.NoError(t, err)
	temps, err := filepath.Glob(filepath.Join(dir, "team", "busy~*"))
	require.NoError(t, err)
	require.Len(t, temps, 1, "the Put's temporary file")

	open(t, dir, nil) // as a second process sharing the directory would
	assert.FileExists(t, temps[0], "Open removed the file of a Put in progress")

	_, err = pw.Write([]byte("done"))
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	require.NoError(t, <-done)
	rc, _, err := s.Get(context.Background(), "team/busy")
	require.NoError(t, err)
	defer rc.Close()
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Equal(t, "halfdone", string(got))
}
