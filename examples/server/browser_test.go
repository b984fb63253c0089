package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/turbotest"
)

// chromium returns the headless browser .ci/install-chromium installs
// ($TURBOCACHE_CHROMIUM, else chromium on the PATH). Without one the test
// is skipped, or fails under TURBOCACHE_REQUIRE_SERVERS=1.
func chromium(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("TURBOCACHE_CHROMIUM")
	if bin == "" {
		bin = "chromium"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		if os.Getenv(turbotest.EnvRequire) == "1" {
			t.Fatalf("no headless browser (%v); install it with: eval \"$(bash .ci/install-chromium)\"", err)
		}
		t.Skipf("no headless browser (%v); install it with: eval \"$(bash .ci/install-chromium)\"", err)
	}
	return path
}

// browse runs headless Chromium on url with the flags given (such as
// --dump-dom or --screenshot=FILE) and returns what it printed on stdout.
func browse(t *testing.T, url string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,900"}, flags...)
	cmd := exec.CommandContext(ctx, chromium(t), append(args, url)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "chromium: %s", stderr.String())
	return string(out)
}

// artifactPath is where a file worth keeping after the test goes: under
// $TURBOCACHE_ARTIFACTS when set (CI keeps that directory), else in the
// test's temporary directory.
func artifactPath(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("TURBOCACHE_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return filepath.Join(dir, name)
}
