package kvstore_test

import (
	"context"
	"io"
	"testing"

	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
)

// BenchmarkRoundTrip puts and gets a 64 MiB artifact (three parts) through
// kvtest on loopback.
func BenchmarkRoundTrip(b *testing.B) {
	const size = 64 << 20
	srv := kvtest.Start(b, nil)
	s := open(b, srv, kvstore.Config{})
	ctx := context.Background()
	b.Run("Put", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			if err := s.Put(ctx, "team/bench", &patternReader{left: size}, size, storage.Metadata{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Get", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			rc, _, err := s.Get(ctx, "team/bench")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, rc); err != nil {
				b.Fatal(err)
			}
			rc.Close()
		}
	})
}
