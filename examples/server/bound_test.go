package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSmallDiskWithNoConfiguration: on a 16 MiB file system and with no
// STORAGE_MAX_SIZE, the default bound keeps the cache off a full disk:
// forty uploads of 1 MiB are all answered 202, and the metrics show the
// bound and the evictions.
func TestSmallDiskWithNoConfiguration(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("TURBOCACHE_REQUIRE_SERVERS") == "1" {
			t.Fatalf("mounting a tmpfs: %v: %s", err, out)
		}
		t.Skipf("mounting a tmpfs needs root: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
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
