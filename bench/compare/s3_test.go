package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/bench/internal/load"
	"github.com/turbocache/turbocache/internal/s3test"
)

// TestS3Modes starts versitygw as the S3 and tier modes do, runs a
// scaled-down workload with the bare S3 client, and checks the servers each
// mode compares.
func TestS3Modes(t *testing.T) {
	bin := os.Getenv(s3test.EnvVersitygwBin)
	if bin == "" {
		s3test.Unavailable(t, "%s is not set: no versitygw to start", s3test.EnvVersitygwBin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := startS3(ctx, bin, t.TempDir())
	require.NoError(t, err)
	defer b.stop()

	cfg := config{ours: "server", peer: "peer.js", node: "node", tierMaxSize: "1GiB", sizes: load.DefaultSizes}
	var names []string
	for _, s := range cfg.s3Servers(b) {
		names = append(names, s.name)
	}
	assert.Equal(t, []string{"turbocache-s3", "peer-s3", "bare-sdk"}, names)
	names = nil
	for _, s := range cfg.tierServers(b) {
		names = append(names, s.name)
	}
	assert.Equal(t, []string{"turbocache-tier", "turbocache-dir", "turbocache-s3", "peer-s3"}, names)
	_, env := cfg.tierServers(b)[0].command("1", "/d", "tok")
	assert.Contains(t, env, "LOCAL_CACHE_DIR=/d")
	assert.Contains(t, env, "LOCAL_CACHE_MAX_SIZE=1GiB")
	assert.Contains(t, env, "S3_BUCKET_NAME="+b.bucketFor("/d"))

	sizes := load.Sizes{Large: 1 << 20, LargeRounds: 2, Parallel: 2, Small: 1 << 10, SmallGets: 10, SmallPuts: 10, Conns: 2}
	bare := cfg.s3Servers(b)[2]
	for _, w := range load.Workloads(sizes) {
		results, err := runOne(ctx, bare, w, t.TempDir(), "token", sizes)
		require.NoError(t, err, w.Name)
		for _, r := range results {
			assert.Zero(t, r.Errors, "%s: %v", r.Name, r.FirstError)
			assert.Positive(t, r.MiBps(), r.Name)
		}
	}
}
