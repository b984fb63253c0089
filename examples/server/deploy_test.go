package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/readmetest"
)

// systemdUnit reads a unit file into its key=value settings, in order.
func systemdUnit(t *testing.T, path string) [][2]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var settings [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		require.True(t, ok, "not a setting: %q", line)
		settings = append(settings, [2]string{k, v})
	}
	require.NoError(t, sc.Err())
	return settings
}

// TestSystemdUnit checks deploy/turbocache.service: it runs the turbocache
// binary, its Environment= lines set documented variables to values the
// server accepts, the server serves with them, and systemd-analyze, where
// there is one, finds nothing to say about the unit.
func TestSystemdUnit(t *testing.T) {
	const unit = "../../deploy/turbocache.service"
	documented := readmetest.Variables(t, "../../README.md")
	env := map[string]string{}
	var execStart string
	for _, s := range systemdUnit(t, unit) {
		switch s[0] {
		case "ExecStart":
			execStart = s[1]
		case "Environment":
			name, value, ok := strings.Cut(s[1], "=")
			require.True(t, ok, "Environment=%s", s[1])
			assert.True(t, documented[name], "Environment=%s: %s is not a variable of the server", s[1], name)
			env[name] = value
		}
	}
	assert.Equal(t, "turbocache", filepath.Base(execStart), "ExecStart runs the binary the README builds")
	require.Contains(t, env, "STORAGE_DIR")
	assert.Equal(t, "0.0.0.0", env["HOST"])

	// The server with the unit's environment, the state directory in a
	// temporary one (systemd makes /var/lib/turbocache) and a token from
	// the environment file.
	env["STORAGE_DIR"] = t.TempDir()
	env["TURBO_TOKEN"] = "unit-token-of-24-characters"
	cfg, err := loadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err, "the unit's environment")
	assert.Equal(t, "3000", cfg.Port)
	s := startServer(t, env)
	code, _, _ := s.do(t, "GET", "/v8/artifacts/status", "unit-token-of-24-characters", "")
	assert.Equal(t, 200, code)
	assert.Contains(t, s.stderr.String(), `"msg":"serving"`, "LOG_FORMAT=json")

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("no systemd-analyze here: the unit is not verified by systemd")
		return
	}
	// A copy whose ExecStart is an executable that exists here (this test's
	// binary) and whose environment file is optional: what verify checks.
	self, err := os.Executable()
	require.NoError(t, err)
	b, err := os.ReadFile(unit)
	require.NoError(t, err)
	text := strings.Replace(string(b), "ExecStart="+execStart, "ExecStart="+self, 1)
	text = strings.Replace(text, "EnvironmentFile=/", "EnvironmentFile=-/", 1)
	copyPath := filepath.Join(t.TempDir(), "turbocache.service")
	require.NoError(t, os.WriteFile(copyPath, []byte(text), 0o644))
	out, err := exec.CommandContext(t.Context(), analyze, "verify", copyPath).CombinedOutput()
	require.NoError(t, err, "systemd-analyze verify:\n%s", out)
	assert.Empty(t, strings.TrimSpace(string(out)), "systemd-analyze verify has something to say")
}
