package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
)

// stores are the local stores, measured through the storage.Store
// interface alone. The cloud stores have benchmarks of their own, against
// their test servers.
func stores(b *testing.B) []struct {
	name  string
	store storage.Store
} {
	fs, err := fsstore.Open(b.TempDir(), nil)
	require.NoError(b, err)
	b.Cleanup(func() { _ = fs.Close() })
	return []struct {
		name  string
		store storage.Store
	}{{"memstore", memstore.New(nil)}, {"fsstore", fs}}
}

var storeSizes = []int{10 << 10, 100 << 20}

func sizeName(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%dKiB", n>>10)
}

// BenchmarkStorePut stores artifacts of 10 KiB and 100 MiB.
func BenchmarkStorePut(b *testing.B) {
	ctx := context.Background()
	for _, s := range stores(b) {
		for _, size := range storeSizes {
			b.Run(s.name+"/"+sizeName(size), func(b *testing.B) {
				body := make([]byte, size)
				b.SetBytes(int64(size))
				for i := 0; b.Loop(); i++ {
					key := fmt.Sprintf("bench/%016x", i%8) // bounded memory for memstore
					if err := s.store.Put(ctx, key, bytes.NewReader(body), int64(size), storage.Metadata{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkStoreGet reads artifacts of 10 KiB and 100 MiB back.
func BenchmarkStoreGet(b *testing.B) {
	ctx := context.Background()
	for _, s := range stores(b) {
		for _, size := range storeSizes {
			b.Run(s.name+"/"+sizeName(size), func(b *testing.B) {
				key := "bench/get-" + sizeName(size)
				require.NoError(b, s.store.Put(ctx, key, bytes.NewReader(make([]byte, size)), int64(size), storage.Metadata{}))
				buf := make([]byte, 256<<10)
				b.SetBytes(int64(size))
				for b.Loop() {
					rc, _, err := s.store.Get(ctx, key)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{rc}, buf); err != nil {
						b.Fatal(err)
					}
					rc.Close()
				}
			})
		}
	}
}
