package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(lookup(nil))
	require.NoError(t, err)
	cache, err := os.UserCacheDir()
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", cfg.Host)
	assert.Equal(t, "3000", cfg.Port)
	assert.Equal(t, filepath.Join(cache, "turbocache", "artifacts"), cfg.Storage.Dir)
	assert.Nil(t, cfg.Storage.S3)
	assert.Equal(t, 720*time.Hour, cfg.Storage.Expiration)
	assert.True(t, cfg.TokenGenerated)
	require.Len(t, cfg.Tokens, 1)
	assert.Len(t, cfg.Tokens[0], 26)
	assert.Equal(t, int64(2<<30), cfg.MaxArtifactSize)
	assert.Equal(t, "text", cfg.LogFormat)
	assert.Equal(t, slog.LevelInfo, cfg.LogLevel)
	assert.Equal(t, 10*time.Minute, cfg.ReadTimeout)
	assert.Equal(t, 10*time.Minute, cfg.WriteTimeout)
	assert.Equal(t, time.Hour, cfg.SweepInterval)
}

func TestLoadConfigSet(t *testing.T) {
	cfg, err := loadConfig(lookup(map[string]string{
		"HOST": "0.0.0.0", "PORT": "8080", "STORAGE_DIR": "/srv/cache",
		"TURBO_TOKEN": "a, b,,", "TURBO_READ_ONLY_TOKENS": "r", "TURBO_TOKEN_FILE": "/etc/tokens",
		"MAX_ARTIFACT_SIZE": "512MiB", "LOG_FORMAT": "json", "LOG_LEVEL": "debug",
		"READ_TIMEOUT": "90s", "WRITE_TIMEOUT": "2m", "SWEEP_INTERVAL": "15m",
		"BUCKET_OBJECT_EXPIRATION_HOURS": "24",
	}))
	require.NoError(t, err)
	assert.Equal(t, "0.0.0.0", cfg.Host)
	assert.Equal(t, "8080", cfg.Port)
	assert.Equal(t, "/srv/cache", cfg.Storage.Dir)
	assert.Equal(t, []string{"a", "b"}, cfg.Tokens)
	assert.Equal(t, []string{"r"}, cfg.ReadOnlyTokens)
	assert.Equal(t, "/etc/tokens", cfg.TokenFile)
	assert.False(t, cfg.TokenGenerated)
	assert.Equal(t, int64(512<<20), cfg.MaxArtifactSize)
	assert.Equal(t, "json", cfg.LogFormat)
	assert.Equal(t, slog.LevelDebug, cfg.LogLevel)
	assert.Equal(t, 90*time.Second, cfg.ReadTimeout)
	assert.Equal(t, 2*time.Minute, cfg.WriteTimeout)
	assert.Equal(t, 15*time.Minute, cfg.SweepInterval)
	assert.Equal(t, 24*time.Hour, cfg.Storage.Expiration)
}

func TestLoadConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PORT": "http"}, `PORT="http" is not a TCP port number`},
		{map[string]string{"PORT": "70000"}, "not a TCP port number"},
		{map[string]string{"MAX_ARTIFACT_SIZE": "lots"}, `MAX_ARTIFACT_SIZE: "lots" is not a size`},
		{map[string]string{"MAX_ARTIFACT_SIZE": "-1"}, "MAX_ARTIFACT_SIZE"},
		{map[string]string{"LOG_FORMAT": "xml"}, `LOG_FORMAT="xml"`},
		{map[string]string{"LOG_LEVEL": "loud"}, `LOG_LEVEL="loud"`},
		{map[string]string{"READ_TIMEOUT": "10"}, `READ_TIMEOUT="10" is not a positive duration`},
		{map[string]string{"SWEEP_INTERVAL": "-1h"}, "SWEEP_INTERVAL"},
		{map[string]string{"S3_BUCKET_NAME": "b", "S3_SECRET_ACCESS_KEY": "hidden"}, "missing S3_ACCESS_KEY_ID"},
	} {
		_, err := loadConfig(lookup(tc.env))
		require.Error(t, err, "%v", tc.env)
		assert.Contains(t, err.Error(), tc.want)
		assert.NotContains(t, err.Error(), "hidden", "a secret in an error")
	}
}
