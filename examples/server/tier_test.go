package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/internal/turbotest"
	"github.com/turbocache/turbocache/selector"
)

// TestTurboLocalTier runs the real turbo through the local tier over
// versitygw: the second run is FULL TURBO, and so is a third one with
// versitygw stopped, served by the local tier alone.
func TestTurboLocalTier(t *testing.T) {
	repo := turbotest.NewRepo(t, nil)
	srv := s3test.Start(t, s3test.Options{})
	s := startServer(t, map[string]string{
		"S3_ACCESS_KEY_ID": srv.AccessKeyID, "S3_SECRET_ACCESS_KEY": srv.SecretAccessKey,
		"S3_BUCKET_NAME": srv.NewBucket(t), "S3_REGION": srv.Region,
		"S3_ENDPOINT": srv.Endpoint, "S3_FORCE_PATH_STYLE": "true",
		"LOCAL_CACHE_DIR": t.TempDir(), "LOCAL_CACHE_MAX_SIZE": "100MiB",
		"TURBO_TOKEN": "tier-token",
	})
	assert.Contains(t, s.stderr.String(), "storage=s3")
	assert.Contains(t, s.stderr.String(), "local tier in")
	run := turbotest.RunOptions{API: s.URL, Token: "tier-token", Team: "web"}

	first := repo.Run(t, run)
	first.RequireAllMisses(t)
	tasks := float64(len(first.Summary.Tasks))
	require.Eventually(t, func() bool {
		_, m, _ := s.do(t, "GET", "/metrics", "", "")
		return metricValue(t, m, "turbocache_tier_uploads_total") == tasks &&
			metricValue(t, m, "turbocache_tier_queued_uploads") == 0
	}, 30*time.Second, 10*time.Millisecond, "the uploads reached S3")

	// What S3 holds, read without the tier.
	plainCfg := *s.cfg.Storage
	plainCfg.LocalCache = nil
	plain, err := selector.Open(context.Background(), &plainCfg)
	require.NoError(t, err)
	defer plain.Close()
	durations := map[string]int64{}
	for _, task := range first.Summary.Tasks {
		info, err := plain.Store.Stat(t.Context(), run.Team+"/"+task.Hash)
		require.NoError(t, err, "task %s is not on S3", task.TaskID)
		durations[task.Hash] = info.Duration.Milliseconds()
	}

	repo.Run(t, run).RequireFullRemoteHit(t, durations)
	srv.Stop()
	repo.Run(t, run).RequireFullRemoteHit(t, durations)

	_, m, _ := s.do(t, "GET", "/metrics", "", "")
	assert.Equal(t, 2*tasks, metricValue(t, m, "turbocache_tier_local_hits_total"), "runs 2 and 3 served locally")
	assert.NotContains(t, m, `code="500"`, "no request failed")
}
