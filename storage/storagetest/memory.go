package storagetest

import (
	"context"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

// testGetStreams reads a 64 MiB artifact in small pieces and checks that
// Get and the reads together allocate far less than the artifact's size: a
// store that buffers the artifact in memory allocates at least its size.
//
// The count covers every allocation in the process, so a test server
// running inside the test binary counts too, and so does a driver's
// per-request overhead: a driver that fetches the artifact in thousands of
// small requests may need larger ones to pass.
func testGetStreams(t *testing.T, s storage.Store) {
	const size = 64 << 20
	key := "team/large"
	b := body{seed: 64, size: size}
	put(t, s, key, b)

	buf := make([]byte, 32<<10)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	rc, info, err := s.Get(context.Background(), key)
	require.NoError(t, err)
	n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{rc}, buf)
	require.NoError(t, err)
	require.NoError(t, rc.Close())

	runtime.ReadMemStats(&after)
	require.Equal(t, int64(size), n)
	require.Equal(t, int64(size), info.Size)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("Get and read of %d MiB allocated %.1f MiB", size>>20, float64(allocated)/(1<<20))
	require.Less(t, allocated, uint64(size/4),
		"Get of a %d MiB artifact allocated %d bytes: it must stream, not buffer", size>>20, allocated)
}
