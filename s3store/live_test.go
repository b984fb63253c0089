package s3store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// TestLiveAWS runs the conformance suite against a real Amazon S3 bucket,
// under a fresh prefix per store, with the SDK's default checksums. It
// needs TURBOCACHE_LIVE_S3_BUCKET and TURBOCACHE_LIVE_S3_REGION, and takes
// credentials from TURBOCACHE_LIVE_S3_ACCESS_KEY_ID and
// TURBOCACHE_LIVE_S3_SECRET_ACCESS_KEY or, when those are unset, from the
// SDK's default chain (AWS_* variables, profiles, instance roles). It is
// skipped without a bucket. Everything it writes is deleted at the end.
func TestLiveAWS(t *testing.T) {
	cfg := s3store.Config{
		Bucket:          os.Getenv("TURBOCACHE_LIVE_S3_BUCKET"),
		Region:          os.Getenv("TURBOCACHE_LIVE_S3_REGION"),
		AccessKeyID:     os.Getenv("TURBOCACHE_LIVE_S3_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("TURBOCACHE_LIVE_S3_SECRET_ACCESS_KEY"),
	}
	if cfg.Bucket == "" || cfg.Region == "" {
		t.Skip("set TURBOCACHE_LIVE_S3_BUCKET and TURBOCACHE_LIVE_S3_REGION to run against Amazon S3")
	}
	run := time.Now().UTC().Format("20060102T150405.000000000")
	n := 0
	storagetest.Run(t, func(t *testing.T) storage.Store {
		n++
		cfg := cfg
		cfg.Prefix = fmt.Sprintf("turbocache-live-test/%s/%d", run, n)
		s, err := s3store.Open(context.Background(), cfg)
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
