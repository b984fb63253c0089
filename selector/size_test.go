package selector_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/selector"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1024": 1024, "1K": 1 << 10, "1KiB": 1 << 10, "100MiB": 100 << 20, "100M": 100 << 20,
		"2GiB": 2 << 30, "3 GiB": 3 << 30, "1TiB": 1 << 40, "2T": 2 << 40,
	} {
		got, err := selector.ParseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "GiB", "1TB", "1.5GiB", "-5", "99999999999GiB", "9999999TiB"} {
		_, err := selector.ParseSize(in)
		assert.ErrorContains(t, err, "is not a size", in)
	}
}

func TestStorageMaxSizeFromEnv(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  int64
	}{{"", 0}, {"0", -1}, {"20GiB", 20 << 30}, {"1048576", 1 << 20}} {
		cfg, err := selector.FromEnv(func(name string) (string, bool) {
			if name == "STORAGE_MAX_SIZE" {
				return tc.value, true
			}
			return "", false
		})
		require.NoError(t, err, tc.value)
		assert.Equal(t, tc.want, cfg.MaxSize, tc.value)
	}
	_, err := selector.FromEnv(func(name string) (string, bool) { return "20GB", name == "STORAGE_MAX_SIZE" })
	assert.ErrorContains(t, err, `STORAGE_MAX_SIZE: "20GB" is not a size`)
}

// TestDefaultMaxSize: on a 64 MiB file system, the default bound is half
// of it; on a large one, the cap.
func TestDefaultMaxSize(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("TURBOCACHE_REQUIRE_SERVERS") == "1" {
			t.Fatalf("mounting a tmpfs: %v: %s", err, out)
		}
		t.Skipf("mounting a tmpfs needs root: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	assert.Equal(t, int64(32<<20), selector.DefaultMaxSize(dir+"/not/yet/made"))
	// What the store already holds counts as room it may take.
	require.NoError(t, os.WriteFile(dir+"/artifact", make([]byte, 16<<20), 0o600))
	assert.Equal(t, int64(32<<20), selector.DefaultMaxSize(dir))
}
