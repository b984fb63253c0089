package storagetest

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/heappeak"
	"github.com/turbocache/turbocache/storage"
)

// testGetStreams reads a 64 MiB artifact in small pieces and checks that
// the heap grows by far less than the artifact's size meanwhile: a store
// that buffers the artifact in memory holds all of it at once.
//
// The measure covers the whole process, so a test server running inside
// the test binary counts too, and so does a driver's per-request overhead
// while it is live.
func testGetStreams(t *testing.T, s storage.Store) {
	const size = 64 << 20
	key := "team/large"
	b := body{seed: 64, size: size}
	put(t, s, key, b)

	buf := make([]byte, 32<<10)
	var (
		n    int64
		info storage.Info
	)
	grew := heappeak.Measure(func() {
		rc, got, err := s.Get(context.Background(), key)
		require.NoError(t, err)
		info = got
		n, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{rc}, buf)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
	})
	require.Equal(t, int64(size), n)
	require.Equal(t, int64(size), info.Size)
	t.Logf("Get and read of %d MiB: heap grew by %.1f MiB", size>>20, float64(grew)/(1<<20))
	require.Less(t, grew, uint64(size/4),
		"Get of a %d MiB artifact grew the heap by %d bytes: it must stream, not buffer", size>>20, grew)
}
