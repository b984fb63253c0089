package s3store_test

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/heappeak"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// TestStreamingMemory puts and gets a 200 MiB artifact and checks that the
// heap grows by no more than the upload's part buffers plus a constant.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 400 MiB")
	}
	const (
		size        = 200 << 20
		partSize    = s3store.MinPartSize
		concurrency = 2
		// One upload holds up to Concurrency parts in flight and the
		// one it reads; the rest is the SDK's and TLS's buffers.
		bound = (concurrency+1)*partSize + 8<<20
	)
	for _, tls := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP", true: "HTTPS"}[tls], func(t *testing.T) {
			srv := servers.Get(t, s3test.Options{TLS: tls})
			s := openStore(t, srv, s3store.Config{Options: s3store.Options{PartSize: partSize, Concurrency: concurrency, Checksum: s3store.ChecksumWhenSupported}})
			ctx := context.Background()

			put := heappeak.Measure(func() {
				require.NoError(t, s.Put(ctx, "team/big", storagetest.Body(0, size), size, storage.Metadata{}))
			})
			t.Logf("Put of %d MiB (parts of %d MiB, %d at a time): heap grew by %.1f MiB; bound %.1f MiB",
				size>>20, partSize>>20, concurrency, float64(put)/(1<<20), float64(bound)/(1<<20))
			require.Less(t, put, uint64(bound), "heap growth during Put")

			var n int64
			get := heappeak.Measure(func() {
				rc, _, err := s.Get(ctx, "team/big")
				require.NoError(t, err)
				n, err = io.Copy(io.Discard, rc)
				require.NoError(t, err)
				require.NoError(t, rc.Close())
			})
			require.Equal(t, int64(size), n)
			t.Logf("Get of %d MiB: heap grew by %.1f MiB", size>>20, float64(get)/(1<<20))
			require.Less(t, get, uint64(8<<20), "heap growth during Get")
		})
	}
}
