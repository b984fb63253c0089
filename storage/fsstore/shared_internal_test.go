package fsstore

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

// TestBoundSharedDirectory: two bounded Stores on one directory, as two
// server processes sharing STORAGE_DIR. Each evicts only what it knows of
// between rescans; a rescan brings the whole directory within the bound.
func TestBoundSharedDirectory(t *testing.T) {
	const n, keep = 1000, 5
	dir := t.TempDir()
	bound := keep * int64(n+14)
	a, err := Open(dir, &Options{MaxSize: bound})
	require.NoError(t, err)
	defer a.Close()
	b, err := Open(dir, &Options{MaxSize: bound})
	require.NoError(t, err)
	defer b.Close()
	ctx := context.Background()
	write := func(s *Store, key string) {
		require.NoError(t, s.Put(ctx, key, bytes.NewReader(make([]byte, n)), n, storage.Metadata{}))
		time.Sleep(20 * time.Millisecond) // beyond the file system clock's granularity
	}
	for i := range 4 {
		write(a, fmt.Sprintf("team/a%d", i))
		write(b, fmt.Sprintf("team/b%d", i))
	}
	// Each knows four artifacts: within the bound as far as it knows.
	assert.Equal(t, int64(4), a.Usage().Artifacts)
	assert.Equal(t, int64(4), b.Usage().Artifacts)

	// A Get of the other's artifact makes it known.
	rc, _, err := a.Get(ctx, "team/b3")
	require.NoError(t, err)
	rc.Close()
	assert.Equal(t, int64(5), a.Usage().Artifacts)

	require.NoError(t, a.rescan())
	u := a.Usage()
	assert.Equal(t, int64(keep), u.Artifacts, "the rescan enforces the bound over the whole directory")
	assert.LessOrEqual(t, u.Bytes, bound)
	assert.Equal(t, int64(3), u.Evictions)
	assert.True(t, has(a, "team/b3"), "the most recently used is kept")

	// The three least recently used of both went: b learns of it on its
	// next use of those keys, or its next rescan.
	for _, key := range []string{"team/a0", "team/b0", "team/a1"} {
		assert.False(t, has(b, key), key)
	}
	require.NoError(t, b.rescan())
	assert.Equal(t, a.Usage().Bytes, b.Usage().Bytes)
	assert.Equal(t, int64(keep), b.Usage().Artifacts)
}

func has(s *Store, key string) bool {
	_, err := s.Stat(context.Background(), key)
	return err == nil
}
