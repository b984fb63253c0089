package kvstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// open returns a Store on srv, with cfg's other fields.
func open(t testing.TB, srv *kvtest.Server, cfg kvstore.Config) *kvstore.Store {
	t.Helper()
	cfg.AccountID, cfg.NamespaceID, cfg.APIToken, cfg.BaseURL = srv.AccountID, srv.NamespaceID, srv.Token, srv.URL
	if cfg.Retry == nil {
		cfg.Retry = &kvstore.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond}
	}
	s, err := kvstore.Open(cfg)
	require.NoError(t, err)
	return s
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return open(t, kvtest.Start(t, nil), kvstore.Config{TTL: time.Hour})
	})
}

// TestConformanceSmallParts runs the suite with parts so small that most
// artifacts it writes are split.
func TestConformanceSmallParts(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return open(t, kvtest.Start(t, nil), kvstore.Config{PartSize: 1 << 20})
	})
}

// TestPersistence opens the same namespace again, with parts small enough
// that the larger artifacts are split.
func TestPersistence(t *testing.T) {
	storagetest.RunPersistence(t, func(t *testing.T) func(t *testing.T) storage.Store {
		srv := kvtest.Start(t, nil)
		return func(t *testing.T) storage.Store { return open(t, srv, kvstore.Config{PartSize: 1 << 20}) }
	})
}
