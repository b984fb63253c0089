package main

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/turbotest"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// TestTurbo points the real turbo CLI at the server three times: the first
// run uploads, the second is a full hit read from the remote directory, and
// the third a full hit served from the local copies the second one made.
func TestTurbo(t *testing.T) {
	repo := turbotest.NewRepo(t, nil)
	dir := t.TempDir()
	remoteDir, localDir := filepath.Join(dir, "remote"), filepath.Join(dir, "local")
	h, err := newHandler(remoteDir, localDir, "secret")
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	remote, local := openDir(t, remoteDir), openDir(t, localDir)
	run := turbotest.RunOptions{API: srv.URL, Token: "secret", Team: "web"}

	first := repo.Run(t, run)
	first.RequireAllMisses(t)
	durations := map[string]int64{}
	for _, task := range first.Summary.Tasks {
		info, err := remote.Stat(t.Context(), "web/"+task.Hash)
		require.NoError(t, err, "task %s was not uploaded", task.TaskID)
		durations[task.Hash] = info.Duration.Milliseconds()
		_, err = local.Stat(t.Context(), "web/"+task.Hash)
		require.Error(t, err, "an upload leaves no local copy of task %s", task.TaskID)
	}

	for i := 2; i <= 3; i++ {
		repo.Run(t, run).RequireFullRemoteHit(t, durations)
		for hash := range durations {
			_, err := local.Stat(t.Context(), "web/"+hash)
			require.NoError(t, err, "run %d left no local copy of %s", i, hash)
		}
	}
}

// openDir opens a second handle on a directory the server uses, to look at
// its artifacts. Open removes unfinished uploads, so it must run before the
// server receives any.
func openDir(t *testing.T, dir string) *fsstore.Store {
	t.Helper()
	s, err := fsstore.Open(dir, nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}
