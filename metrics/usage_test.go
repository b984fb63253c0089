package metrics_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/metrics"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

func TestUsageCollector(t *testing.T) {
	s, err := fsstore.Open(t.TempDir(), &fsstore.Options{MaxSize: 2 * 114})
	require.NoError(t, err)
	defer s.Close()
	for _, key := range []string{"team/a", "team/b", "team/c"} {
		require.NoError(t, s.Put(context.Background(), key, bytes.NewReader(make([]byte, 100)), 100, storage.Metadata{}))
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(metrics.UsageCollector(s))
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP turbocache_store_artifacts Artifacts stored.
# TYPE turbocache_store_artifacts gauge
turbocache_store_artifacts 2
# HELP turbocache_store_bytes Bytes the stored artifacts take (for a local directory, the sizes of their files).
# TYPE turbocache_store_bytes gauge
turbocache_store_bytes 228
# HELP turbocache_store_evictions_total Artifacts evicted, least recently used first, to keep within the bound or to make room on a full disk.
# TYPE turbocache_store_evictions_total counter
turbocache_store_evictions_total 1
# HELP turbocache_store_max_bytes The bound on turbocache_store_bytes; 0 when there is none.
# TYPE turbocache_store_max_bytes gauge
turbocache_store_max_bytes 228
# HELP turbocache_store_skipped_entries_total Entries of the store's directory that are not artifacts (foreign files, unreadable directories such as lost+found), left alone.
# TYPE turbocache_store_skipped_entries_total counter
turbocache_store_skipped_entries_total 0
`)))
}
