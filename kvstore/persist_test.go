package kvstore_test

import (
	"testing"

	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// TestPersistence opens the same namespace again, with parts small enough
// that the larger artifacts are split.
func TestPersistence(t *testing.T) {
	storagetest.RunPersistence(t, func(t *testing.T) func(t *testing.T) storage.Store {
		srv := kvtest.Start(t, nil)
		return func(t *testing.T) storage.Store { return open(t, srv, kvstore.Config{PartSize: 1 << 20}) }
	})
}
