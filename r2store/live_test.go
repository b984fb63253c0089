package r2store_test

import (
	"context"
	"os"
	"testing"

	"github.com/turbocache/turbocache/internal/livetest"
	"github.com/turbocache/turbocache/r2store"
	"github.com/turbocache/turbocache/storage"
)

// TestLiveR2 runs the conformance suite against a real R2 bucket, under a
// fresh prefix per store. It needs TURBOCACHE_LIVE_R2_ACCOUNT_ID,
// TURBOCACHE_LIVE_R2_ACCESS_KEY_ID, TURBOCACHE_LIVE_R2_SECRET_ACCESS_KEY and
// TURBOCACHE_LIVE_R2_BUCKET (and optionally
// TURBOCACHE_LIVE_R2_JURISDICTION), and is skipped without them. The
// token needs Object Read & Write on the bucket. Everything it writes is
// deleted at the end.
func TestLiveR2(t *testing.T) {
	cfg := r2store.Config{
		AccountID:       os.Getenv("TURBOCACHE_LIVE_R2_ACCOUNT_ID"),
		AccessKeyID:     os.Getenv("TURBOCACHE_LIVE_R2_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("TURBOCACHE_LIVE_R2_SECRET_ACCESS_KEY"),
		Bucket:          os.Getenv("TURBOCACHE_LIVE_R2_BUCKET"),
		Jurisdiction:    os.Getenv("TURBOCACHE_LIVE_R2_JURISDICTION"),
	}
	if cfg.AccountID == "" || cfg.AccessKeyID == "" || cfg.SecretAccessKey == "" || cfg.Bucket == "" {
		t.Skip("set TURBOCACHE_LIVE_R2_ACCOUNT_ID, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY and _BUCKET to run against R2")
	}
	livetest.RunPrefixed(t, func(ctx context.Context, prefix string) (storage.Store, error) {
		cfg := cfg
		cfg.Prefix = prefix
		return r2store.Open(ctx, cfg)
	})
}
