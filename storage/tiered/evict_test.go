package tiered_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// TestEvictionUnderPressure writes five times the local bound through the
// tier: the local store evicts, every artifact stays readable (from the
// remote when evicted), and artifacts waiting for their upload, kept in the
// queue directory, are never evicted.
func TestEvictionUnderPressure(t *testing.T) {
	const bound, size, n = 1 << 20, 200 << 10, 25
	ctx := context.Background()
	remote := newFlaky()
	dir := t.TempDir()
	local, err := fsstore.Open(filepath.Join(dir, "artifacts"), &fsstore.Options{MaxSize: bound})
	require.NoError(t, err)
	defer local.Close()
	s := openTier(t, local, remote, filepath.Join(dir, "uploads"), fast)
	body := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, size) }

	for i := range n {
		put(t, s, fmt.Sprintf("team/up%d", i), body(i), md)
	}
	drain(t, s)
	u := s.Usage()
	assert.LessOrEqual(t, u.Bytes, int64(bound))
	assert.Equal(t, int64(bound), u.MaxBytes)
	assert.NotZero(t, u.Evictions, "uploads moved into the local store evicted older ones")
	for i := range n {
		got, _, _ := read(t, s, fmt.Sprintf("team/up%d", i))
		require.Equal(t, body(i), got)
	}
	assert.NotZero(t, remote.gets.Load(), "evicted artifacts came from the remote")
	assert.LessOrEqual(t, s.Usage().Bytes, int64(bound))

	// With the remote down, the queue holds five times the bound; none of
	// it is evicted.
	remote.down.Store(true)
	for i := range n {
		put(t, s, fmt.Sprintf("team/q%d", i), body(i), md)
	}
	for i := range n {
		got, _, _ := read(t, s, fmt.Sprintf("team/q%d", i))
		require.Equal(t, body(i), got, "queued artifact %d while the remote is down", i)
	}
	assert.Equal(t, n, s.Stats().Queued)
	remote.down.Store(false)
	drain(t, s)
	for i := range n {
		_, err := remote.Store.Stat(ctx, fmt.Sprintf("team/q%d", i))
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, s.Usage().Bytes, int64(bound))
}
