package s3store_test

import (
	"context"
	"os"
	"testing"

	"github.com/turbocache/turbocache/internal/livetest"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
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
	livetest.RunPrefixed(t, func(ctx context.Context, prefix string) (storage.Store, error) {
		cfg := cfg
		cfg.Prefix = prefix
		return s3store.Open(ctx, cfg)
	})
}
