package fsstore_test

import (
	"context"
	"io"
	"testing"

	"github.com/turbocache/turbocache/storage"
)

// zeros yields n zero bytes without allocating them.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), z.n)]
	clear(p)
	z.n -= int64(len(p))
	return len(p), nil
}

func benchSizes() []struct {
	name string
	size int64
} {
	return []struct {
		name string
		size int64
	}{{"10KiB", 10 << 10}, {"64MiB", 64 << 20}}
}

func BenchmarkPut(b *testing.B) {
	for _, tc := range benchSizes() {
		b.Run(tc.name, func(b *testing.B) {
			s := open(b, b.TempDir(), nil)
			ctx := context.Background()
			b.SetBytes(tc.size)
			for b.Loop() {
				if err := s.Put(ctx, "team/bench", &zeros{tc.size}, tc.size, storage.Metadata{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	for _, tc := range benchSizes() {
		b.Run(tc.name, func(b *testing.B) {
			s := open(b, b.TempDir(), nil)
			ctx := context.Background()
			if err := s.Put(ctx, "team/bench", &zeros{tc.size}, tc.size, storage.Metadata{}); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 256<<10)
			b.SetBytes(tc.size)
			for b.Loop() {
				rc, _, err := s.Get(ctx, "team/bench")
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
