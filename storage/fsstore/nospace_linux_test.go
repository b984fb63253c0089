package fsstore_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/tmpfs"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// TestFullDiskEvicts: an unbounded Store on a disk that fills up evicts
// its least recently used artifacts and retries, so every upload succeeds
// while there is something to evict.
func TestFullDiskEvicts(t *testing.T) {
	dir := tmpfs.Mount(t, "8m")
	s := open(t, filepath.Join(dir, "cache"), nil)
	for i := range 20 {
		put(t, s, "team/"+string(rune('a'+i)), 1<<20)
	}
	u := s.Usage()
	assert.Positive(t, u.Evictions)
	assert.True(t, has(s, "team/t"), "the last upload is stored")
	assert.Equal(t, u.Artifacts+u.Evictions, int64(20))
}

// TestFullDiskNoSpace: with nothing left to evict, an upload fails with
// storage.ErrNoSpace, leaves nothing behind, and what fits still works.
func TestFullDiskNoSpace(t *testing.T) {
	dir := tmpfs.Mount(t, "4m")
	cache := filepath.Join(dir, "cache")
	s := open(t, cache, nil)
	put(t, s, "team/small", 100<<10)
	// Another process fills the disk, leaving about 256 KiB.
	filler, err := os.Create(filepath.Join(dir, "filler"))
	require.NoError(t, err)
	_, err = io.Copy(filler, storagetest.Body(0, 4<<20-(100<<10)-(256<<10)))
	require.NoError(t, err)
	require.NoError(t, filler.Close())

	err = s.Put(context.Background(), "team/big", bytes.NewReader(make([]byte, 1<<20)), 1<<20, storage.Metadata{})
	require.ErrorIs(t, err, storage.ErrNoSpace)
	assert.False(t, has(s, "team/big"))
	assert.Equal(t, int64(0), diskBytes(t, cache), "nothing partial is left")

	put(t, s, "team/fits", 10<<10)
	rc, info, err := s.Get(context.Background(), "team/fits")
	require.NoError(t, err)
	defer rc.Close()
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Equal(t, int64(10<<10), info.Size)
	assert.Len(t, got, 10<<10)
}
