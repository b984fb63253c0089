package s3test

import (
	"os"
	"path/filepath"
	"testing"
)

// Environment variables read by this package.
const (
	EnvEndpoint        = "TURBOCACHE_S3_ENDPOINT"
	EnvAccessKeyID     = "TURBOCACHE_S3_ACCESS_KEY_ID"
	EnvSecretAccessKey = "TURBOCACHE_S3_SECRET_ACCESS_KEY"
	EnvRegion          = "TURBOCACHE_S3_REGION"
	EnvVersitygwBin    = "VERSITYGW_BIN"
	EnvImage           = "TURBOCACHE_S3_IMAGE"
	EnvRequireServers  = "TURBOCACHE_REQUIRE_SERVERS"
	EnvTools           = "TURBOCACHE_TOOLS"
)

// Required reports whether the environment demands that tests needing an
// external server fail, rather than skip, when it is missing.
func Required() bool {
	return os.Getenv(EnvRequireServers) == "1"
}

// Unavailable skips the test, or fails it when servers are [Required].
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf(format+" ("+EnvRequireServers+"=1)", args...)
	}
	t.Skipf(format, args...)
}

// ToolsDir is where external tools for tests are installed:
// $TURBOCACHE_TOOLS, else the user cache directory's turbocache/tools.
func ToolsDir() (string, error) {
	if dir := os.Getenv(EnvTools); dir != "" {
		return dir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "turbocache", "tools"), nil
}
