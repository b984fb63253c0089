package main

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/nxtest"
	"github.com/turbocache/turbocache/internal/turbotest"
)

// TestNxAndTurbo follows the nx command line the server prints with the
// real nx CLI, and the turbo one with the real turbo CLI, on one server:
// for both, the second run restores every task from the remote cache.
func TestNxAndTurbo(t *testing.T) {
	ws := nxtest.NewWorkspace(t, 3)
	repo := turbotest.NewRepo(t, nil)
	s := startServerInTerminal(t, nil)
	var m []string
	require.Eventually(t, func() bool {
		m = regexp.MustCompile(`NX_SELF_HOSTED_REMOTE_CACHE_SERVER=(\S+) NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=(\S+) npx nx`).
			FindStringSubmatch(s.stdout.String())
		return m != nil
	}, 5*time.Second, 5*time.Millisecond, "no nx command line in %q", s.stdout)
	run := nxtest.RunOptions{Server: m[1], Token: m[2]}
	require.Equal(t, s.URL, run.Server)

	ws.Run(t, run).RequireRan(t, ws.Packages)
	ws.Run(t, run).RequireRemoteHits(t, ws.Packages)
	tasks := turboTwice(t, s, repo, turbotest.RunOptions{API: s.URL, Token: m[2], Team: "my-team"})

	_, metrics, _ := s.do(t, "GET", "/metrics", "", "")
	n := float64(len(ws.Packages))
	assert.Equal(t, n, metricValue(t, metrics, `turbocache_nx_lookups_total{result="miss"}`), "nx misses: run 1")
	assert.Equal(t, n, metricValue(t, metrics, `turbocache_nx_lookups_total{result="hit"}`), "nx hits: run 2")
	assert.Equal(t, n, metricValue(t, metrics, `turbocache_http_requests_total{code="200",method="PUT",route="nx_artifact"}`), "nx uploads")
	assert.Equal(t, tasks, metricValue(t, metrics, `turbocache_http_requests_total{code="202",method="PUT",route="artifact"}`), "turbo uploads")
	// The store-level count holds both protocols' lookups.
	assert.Equal(t, n+tasks, metricValue(t, metrics, `turbocache_lookups_total{result="hit"}`), "hits of both")
}

// TestNxTeams checks where records go: a token limited to one team in
// TURBO_TOKEN_FILE writes that team's records, any other token NX_TEAM's.
func TestNxTeams(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(tokens, []byte("tok-web rw web\ntok-all rw\ntok-two rw web,docs\n"), 0o600))
	s := startServer(t, map[string]string{"STORAGE_DIR": dir, "TURBO_TOKEN_FILE": tokens, "NX_TEAM": "shared"})

	for _, tc := range []struct {
		token string
		want  int
		file  string
	}{
		{"tok-web", http.StatusOK, "web/nx/11"},
		{"tok-all", http.StatusOK, "shared/nx/11"},
		{"tok-two", http.StatusForbidden, ""}, // neither one team nor allowed NX_TEAM's
	} {
		t.Run(tc.token, func(t *testing.T) {
			code, body, hd := s.do(t, "PUT", "/v1/cache/11", tc.token, "record")
			require.Equal(t, tc.want, code, body)
			assert.Equal(t, "text/plain", hd.Get("Content-Type"))
			if tc.file != "" {
				assert.FileExists(t, filepath.Join(dir, filepath.FromSlash(tc.file)))
				code, _, _ := s.do(t, "PUT", "/v1/cache/11", tc.token, "again")
				assert.Equal(t, http.StatusConflict, code, "a second PUT")
			}
		})
	}
	code, _, _ := s.do(t, "GET", "/v8/artifacts/11?slug=web", "tok-web", "")
	assert.Equal(t, http.StatusNotFound, code, "turbo reading an nx record")
}

func TestNxConfig(t *testing.T) {
	off := startServer(t, map[string]string{"SERVE_NX": "false", "TURBO_TOKEN": "tok"})
	code, _, _ := off.do(t, "GET", "/v1/cache/1", "tok", "")
	assert.Equal(t, http.StatusNotFound, code, "SERVE_NX=false")
	assert.NotContains(t, off.stdout.String(), "NX_SELF_HOSTED")

	for name, env := range map[string]map[string]string{
		"SERVE_NX":            {"SERVE_NX": "maybe"},
		"NX_TEAM":             {"NX_TEAM": "a/b"},
		"NX_ON_STORE_FAILURE": {"NX_ON_STORE_FAILURE": "panic"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := loadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			require.Error(t, err)
			assert.Contains(t, err.Error(), name)
		})
	}
}
