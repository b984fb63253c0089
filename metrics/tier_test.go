package metrics_test

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/metrics"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/storage/tiered"
)

func TestRegisterTier(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	local, err := fsstore.Open(filepath.Join(dir, "artifacts"), nil)
	require.NoError(t, err)
	defer local.Close()
	remote := memstore.New(nil)
	require.NoError(t, remote.Put(ctx, "team/k", strings.NewReader("body"), 4, storage.Metadata{}))
	tier, err := tiered.New(local, remote, &tiered.Options{QueueDir: filepath.Join(dir, "uploads")})
	require.NoError(t, err)
	defer tier.Close()

	reg := prometheus.NewRegistry()
	require.NoError(t, metrics.RegisterTier(reg, tier))
	for i := range 3 { // a miss, then two hits
		rc, _, err := tier.Get(ctx, "team/k")
		require.NoError(t, err)
		_, err = io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		if i == 0 {
			// The fill's local copy is committed just after the last byte
			// reaches the reader: the hits come once it is.
			require.Eventually(t, func() bool {
				_, err := local.Stat(ctx, "team/k")
				return err == nil
			}, 5*time.Second, time.Millisecond)
		}
	}
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP turbocache_tier_local_hits_total Downloads served by the local tier's disk.
# TYPE turbocache_tier_local_hits_total counter
turbocache_tier_local_hits_total 2
# HELP turbocache_tier_remote_gets_total Downloads the local tier asked the remote store for.
# TYPE turbocache_tier_remote_gets_total counter
turbocache_tier_remote_gets_total 1
# HELP turbocache_tier_queued_uploads Uploads waiting in the local tier's queue directory.
# TYPE turbocache_tier_queued_uploads gauge
turbocache_tier_queued_uploads 0
`), "turbocache_tier_local_hits_total", "turbocache_tier_remote_gets_total", "turbocache_tier_queued_uploads"))
	require.Error(t, metrics.RegisterTier(reg, tier), "registering twice")
}
