package storagetest

import (
	"context"
	"io"
	"testing"

	"github.com/turbocache/turbocache/storage"
)

// Benchmark measures Put and Get of a small (10 KiB) and a large (64 MiB)
// artifact through the store newStore returns, one store per size, so
// that every driver is measured alike:
//
//	func BenchmarkStore(b *testing.B) {
//		storagetest.Benchmark(b, func(b *testing.B) storage.Store { ... })
//	}
//
// Bodies are generated as they are read, as the conformance suite's are, so
// that the numbers are the store's and not those of a body held in memory;
// Get reads through a plain io.Reader, as a server copying to a client
// does.
func Benchmark(b *testing.B, newStore func(b *testing.B) storage.Store) {
	for _, size := range []struct {
		name string
		size int64
	}{{"10KiB", 10 << 10}, {"64MiB", 64 << 20}} {
		b.Run(size.name, func(b *testing.B) {
			s := newStore(b)
			ctx := context.Background()
			key := "team/bench-" + size.name
			art := body{seed: 7, size: size.size}
			b.Run("Put", func(b *testing.B) {
				b.SetBytes(size.size)
				for b.Loop() {
					if err := s.Put(ctx, key, art.reader(), size.size, art.metadata()); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Get", func(b *testing.B) {
				if err := s.Put(ctx, key, art.reader(), size.size, art.metadata()); err != nil {
					b.Fatal(err)
				}
				buf := make([]byte, 256<<10)
				b.SetBytes(size.size)
				for b.Loop() {
					rc, _, err := s.Get(ctx, key)
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{rc}, buf)
					rc.Close()
					if err != nil {
						b.Fatal(err)
					}
					if n != size.size {
						b.Fatalf("Get read %d bytes of %d", n, size.size)
					}
				}
			})
		})
	}
}
