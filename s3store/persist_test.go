package s3store_test

import (
	"testing"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// TestPersistence opens the same bucket (and prefix) again.
func TestPersistence(t *testing.T) {
	srv := servers.Get(t, s3test.Options{})
	storagetest.RunPersistence(t, func(t *testing.T) func(t *testing.T) storage.Store {
		cfg := s3store.Config{Bucket: srv.NewBucket(t), Options: s3store.Options{Prefix: "turbo"}}
		return func(t *testing.T) storage.Store { return openStore(t, srv, cfg) }
	})
}
