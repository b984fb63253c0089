package turborun_test

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/bench/internal/floor"
	"github.com/turbocache/turbocache/bench/internal/turborun"
	"github.com/turbocache/turbocache/internal/turbotest"
)

// TestRun fills a cache with one run, restores every package from it with
// a second, and shows that the checks fail when a run does something else.
func TestRun(t *testing.T) {
	turbo := turbotest.Binary(t)
	repo, err := turborun.New(t.Context(), filepath.Join(t.TempDir(), "repo"), turbo, 3, 4096)
	require.NoError(t, err)

	newServer := func() turborun.Server {
		h, err := floor.New(t.TempDir(), nil)
		require.NoError(t, err)
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return turborun.Server{URL: srv.URL, Token: "token", Team: "bench"}
	}
	full, empty := newServer(), newServer()

	took, err := repo.Run(t.Context(), full, turborun.AllMisses)
	require.NoError(t, err)
	require.Positive(t, took)
	for range 2 {
		_, err = repo.Run(t.Context(), full, turborun.AllRemoteHits)
		require.NoError(t, err)
	}
	_, err = repo.Run(t.Context(), empty, turborun.AllRemoteHits)
	require.ErrorContains(t, err, "0 cached of 3 tasks, want 3 of 3", "another server has none of the artifacts")
	_, err = repo.Run(t.Context(), full, turborun.AllMisses)
	require.ErrorContains(t, err, "3 cached of 3 tasks, want 0 of 3", "a filled cache has no misses")
}

func TestNewRefusesAnEmptyRepo(t *testing.T) {
	_, err := turborun.New(t.Context(), t.TempDir(), "turbo", 0, 1)
	require.ErrorContains(t, err, "0 packages")
}
