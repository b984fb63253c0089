package containertest

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVolumeWithLostFound mounts at /data a directory like the root of an
// ext4 volume: a lost+found that only root may read, and files that are not
// artifacts. The server, as its non-root user, starts on it, serves, and
// its expiry sweep removes an expired artifact and leaves the rest alone.
func TestVolumeWithLostFound(t *testing.T) {
	imgs := images(t)
	dir := dataDir(t, 65532)
	strays := []string{"lost+found/#1234", "README", "web/notes.txt", ".snapshot/x", "web/UPPER CASE"}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "lost+found"), 0o700)) // root's, as mkfs makes it
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "web"), 0o755))
	require.NoError(t, os.Chown(filepath.Join(dir, "web"), 65532, 65532))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".snapshot"), 0o700))
	for _, s := range strays {
		require.NoError(t, os.WriteFile(filepath.Join(dir, s), []byte("not an artifact"), 0o600))
	}
	env := map[string]string{"TURBO_TOKEN": testToken, "SWEEP_INTERVAL": "1s", "BUCKET_OBJECT_EXPIRATION_HOURS": "24"}

	// An artifact stored, then aged on disk past the expiration while no
	// server runs.
	first := StartServer(t, imgs.Server, ServerOptions{Env: env, Mounts: bindData(dir)})
	put(t, first.URL, "0123aaaa", "expired")
	stop(t, first)
	old := time.Now().Add(-48 * time.Hour)
	require.NoError(t, os.Chtimes(filepath.Join(dir, "web", "0123aaaa"), old, old))

	srv := StartServer(t, imgs.Server, ServerOptions{Env: env, Mounts: bindData(dir)})
	put(t, srv.URL, "0123bbbb", "fresh")
	assert.Equal(t, http.StatusOK, get(t, srv.URL, "0123bbbb"), "serves")
	require.Eventually(t, func() bool { return get(t, srv.URL, "0123aaaa") == http.StatusNotFound },
		20*time.Second, 200*time.Millisecond, "the sweep did not remove the expired artifact")
	assert.Equal(t, http.StatusOK, get(t, srv.URL, "0123bbbb"), "the fresh artifact stays")
	for _, s := range strays {
		assert.FileExists(t, filepath.Join(dir, s), "the sweep leaves what is not an artifact")
	}
	logs := Logs(srv.Container)
	assert.NotContains(t, logs, "sweep failed")
	assert.NotContains(t, logs, "level=ERROR")
	assert.Regexp(t, `msg="expiry sweep" removed=1`, logs)
}

func put(t *testing.T, base, hash, body string) {
	t.Helper()
	req, err := http.NewRequest("PUT", base+"/v8/artifacts/"+hash+"?slug=web", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode, "PUT %s", hash)
}

func get(t *testing.T, base, hash string) int {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/v8/artifacts/"+hash+"?slug=web", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// stop stops the container with SIGTERM and requires a clean exit.
func stop(t *testing.T, srv *Server) {
	t.Helper()
	timeout := 30 * time.Second
	require.NoError(t, srv.Container.Stop(context.Background(), &timeout))
	inspect, err := srv.Container.Inspect(context.Background())
	require.NoError(t, err)
	require.Equal(t, 0, inspect.State.ExitCode, "exit status after SIGTERM:\n%s", Logs(srv.Container))
}
