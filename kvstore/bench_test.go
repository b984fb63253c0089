package kvstore_test

import (
	"testing"

	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// BenchmarkStore runs the shared benchmarks through kvtest on loopback (64
// MiB is three parts of the default size).
func BenchmarkStore(b *testing.B) {
	storagetest.Benchmark(b, func(b *testing.B) storage.Store {
		return open(b, kvtest.Start(b, nil), kvstore.Config{})
	})
}
