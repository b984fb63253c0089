package r2store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/r2store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
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
	run := time.Now().UTC().Format("20060102T150405.000000000")
	n := 0
	storagetest.Run(t, func(t *testing.T) storage.Store {
		n++
		cfg := cfg
		cfg.Prefix = fmt.Sprintf("turbocache-live-test/%s/%d", run, n)
		s, err := r2store.Open(context.Background(), cfg)
		require.NoError(t, err)
		t.Cleanup(func() { cleanUp(t, s) })
		return s
	})
}

// cleanUp deletes everything a live test left in s.
func cleanUp(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for obj, err := range s.(storage.Lister).List(ctx, "") {
		if err != nil {
			t.Errorf("clean up: %v", err)
			return
		}
		if err := s.Delete(ctx, obj.Key); err != nil {
			t.Errorf("clean up: %v", err)
		}
	}
}
