package kvstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/internal/miniflare"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// openMiniflare returns a Store on mf's namespace, emptied first.
func openMiniflare(t *testing.T, mf *miniflare.Server, cfg kvstore.Config) *kvstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, mf.Reset(ctx))
	cfg.AccountID, cfg.NamespaceID, cfg.APIToken, cfg.BaseURL = mf.AccountID, mf.NamespaceID, mf.Token, mf.URL
	s, err := kvstore.Open(cfg)
	require.NoError(t, err)
	return s
}

// TestMiniflareConformance runs the conformance suite against Cloudflare's
// own KV engine, through the Worker in internal/miniflare.
func TestMiniflareConformance(t *testing.T) {
	mf := miniflare.Start(t)
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return openMiniflare(t, mf, kvstore.Config{TTL: time.Hour})
	})
}
