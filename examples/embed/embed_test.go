package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/turbotest"
	"github.com/turbocache/turbocache/storage/memstore"
)

const testKey = "alice-api-key"

func startService(t *testing.T) (*httptest.Server, *memstore.Store) {
	t.Helper()
	keys := newKeyring()
	keys.add(testKey, "alice", map[string]httpapi.Access{"web": httpapi.ReadWrite, "docs": httpapi.ReadOnly})
	store := memstore.New(nil)
	svc, err := newService(store, keys, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return srv, store
}

func TestService(t *testing.T) {
	srv, _ := startService(t)
	for _, tc := range []struct {
		name, method, path, key string
		want                    int
		body                    string
	}{
		{"own route", "GET", "/healthz", "", http.StatusOK, "ok"},
		{"own home page", "GET", "/", "", http.StatusOK, "home page"},
		{"cache status", "GET", "/turbo/v8/artifacts/status", testKey, http.StatusOK, `"enabled"`},
		{"cache without key", "GET", "/turbo/v8/artifacts/status", "", http.StatusUnauthorized, "unauthorized"},
		{"cache, wrong key", "GET", "/turbo/v8/artifacts/status", "nope", http.StatusUnauthorized, "unknown API key"},
		{"upload to own team", "PUT", "/turbo/v8/artifacts/abc123?slug=web", testKey, http.StatusAccepted, "urls"},
		{"download from own team", "GET", "/turbo/v8/artifacts/abc123?slug=web", testKey, http.StatusOK, "artifact"},
		{"upload to read-only team", "PUT", "/turbo/v8/artifacts/abc123?slug=docs", testKey, http.StatusForbidden, "forbidden"},
		{"another team", "GET", "/turbo/v8/artifacts/abc123?slug=ops", testKey, http.StatusForbidden, "not a member"},
		{"cache is not at the root", "GET", "/v8/artifacts/status", testKey, http.StatusNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader("artifact"))
			require.NoError(t, err)
			if tc.key != "" {
				req.Header.Set("Authorization", "Bearer "+tc.key)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.want, resp.StatusCode, string(body))
			assert.Contains(t, string(body), tc.body)
		})
	}
}

// TestServiceTurbo points the real turbo CLI at the cache below /turbo: the
// second run is a full remote hit.
func TestServiceTurbo(t *testing.T) {
	repo := turbotest.NewRepo(t, nil)
	srv, store := startService(t)
	run := turbotest.RunOptions{API: srv.URL + "/turbo", Token: testKey, Team: "web"}
	first := repo.Run(t, run)
	first.RequireAllMisses(t)
	durations := map[string]int64{}
	for _, task := range first.Summary.Tasks {
		info, err := store.Stat(t.Context(), "web/"+task.Hash)
		require.NoError(t, err, "task %s was not uploaded", task.TaskID)
		durations[task.Hash] = info.Duration.Milliseconds()
	}
	repo.Run(t, run).RequireFullRemoteHit(t, durations)
}
