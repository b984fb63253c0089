package memstore_test

import (
	"testing"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return memstore.New(nil)
	})
}
