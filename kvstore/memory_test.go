package kvstore_test

import (
	"context"
	"io"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/heappeak"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// TestMemoryBounded round-trips a 100 MiB artifact and checks that the
// heap (kvtest's included; it keeps values in files) never grows by more
// than twice the part size.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 MiB")
	}
	const size = 100 << 20
	for _, partSize := range []int{kvstore.DefaultPartSize, 8 << 20} {
		t.Run(byteSize(partSize), func(t *testing.T) {
			srv := kvtest.Start(t, nil)
			s := open(t, srv, kvstore.Config{PartSize: partSize})
			ctx := context.Background()
			putPeak := heappeak.Measure(func() {
				require.NoError(t, s.Put(ctx, "team/huge", storagetest.Body(0, size), size, storage.Metadata{}))
			})
			var n int64
			getPeak := heappeak.Measure(func() {
				rc, _, err := s.Get(ctx, "team/huge")
				require.NoError(t, err)
				defer rc.Close()
				n, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{rc}, make([]byte, 32<<10))
				require.NoError(t, err)
			})
			require.Equal(t, int64(size), n)
			t.Logf("100 MiB with %s parts: peak heap growth Put %.1f MiB, Get %.1f MiB",
				byteSize(partSize), float64(putPeak)/(1<<20), float64(getPeak)/(1<<20))
			require.LessOrEqual(t, putPeak, uint64(2*partSize), "Put heap growth")
			require.LessOrEqual(t, getPeak, uint64(2*partSize), "Get heap growth")
		})
	}
}

func byteSize(n int) string { return strconv.Itoa(n>>20) + "MiB" }
