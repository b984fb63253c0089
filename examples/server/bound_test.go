package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/tmpfs"
)

// TestSmallDiskWithNoConfiguration: on a 16 MiB file system and with no
// STORAGE_MAX_SIZE, the default bound keeps the cache off a full disk:
// forty uploads of 1 MiB are all answered 202, and the metrics show the
// bound and the evictions.
func TestSmallDiskWithNoConfiguration(t *testing.T) {
	dir := tmpfs.Mount(t, "16m")
	s := startServer(t, map[string]string{"STORAGE_DIR": dir + "/artifacts", "TURBO_TOKEN": "tok"})
	body := strings.Repeat("x", 1<<20)
	for i := range 40 {
		code, answer, _ := s.do(t, http.MethodPut, fmt.Sprintf("/v8/artifacts/%016x?slug=team", i), "tok", body)
		require.Equal(t, http.StatusAccepted, code, "upload %d: %s", i, answer)
	}
	_, metrics, _ := s.do(t, http.MethodGet, "/metrics", "", "")
	assert.Contains(t, metrics, "turbocache_store_max_bytes 8.388608e+06", "half of the file system")
	assert.Regexp(t, `turbocache_store_evictions_total [1-9]`, metrics)
	assert.Contains(t, s.stderr.String(), "storage_max_size=8388608")
}
