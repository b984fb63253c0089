package containertest

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStopDuringUpload stops the container (SIGTERM, as `docker stop` and
// Kubernetes do) while an upload is half sent: the server waits for it,
// the upload is stored whole, the container exits 0, and a new container
// on the same directory serves the artifact.
func TestStopDuringUpload(t *testing.T) {
	imgs := images(t)
	dir := dataDir(t, 65532)
	srv := StartServer(t, imgs.Server, ServerOptions{Env: map[string]string{"TURBO_TOKEN": testToken}, Mounts: bindData(dir)})

	const size = 8 << 20
	artifact := make([]byte, size)
	_, _ = rand.Read(artifact)
	pr, pw := io.Pipe()
	req, err := http.NewRequest("PUT", srv.URL+"/v8/artifacts/abcdef?slug=web", pr)
	require.NoError(t, err)
	req.ContentLength = size
	req.Header.Set("Authorization", "Bearer "+testToken)
	answer := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Logf("upload: %v", err)
			answer <- -1
			return
		}
		resp.Body.Close()
		answer <- resp.StatusCode
	}()
	_, err = pw.Write(artifact[:size/2])
	require.NoError(t, err)
	// The upload is in progress in the server once its temporary file is
	// there: only then does the shutdown have to wait for it.
	require.Eventually(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, "web", "abcdef~*"))
		return len(m) > 0
	}, 10*time.Second, 10*time.Millisecond, "the upload never reached the store")

	stopped := make(chan error, 1)
	go func() {
		timeout := 30 * time.Second
		stopped <- srv.Container.Stop(context.Background(), &timeout)
	}()
	require.Eventually(t, func() bool { return strings.Contains(Logs(srv.Container), "shutting down") },
		10*time.Second, 20*time.Millisecond, "the server did not begin to shut down")
	_, err = pw.Write(artifact[size/2:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	assert.Equal(t, http.StatusAccepted, <-answer, "the upload in progress finished")
	require.NoError(t, <-stopped)
	inspect, err := srv.Container.Inspect(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 0, inspect.State.ExitCode, "exit status after SIGTERM")
	assert.Contains(t, Logs(srv.Container), "shutting down")

	m, _ := filepath.Glob(filepath.Join(dir, "web", "abcdef~*"))
	assert.Empty(t, m, "no temporary file left")
	again := StartServer(t, imgs.Server, ServerOptions{Env: map[string]string{"TURBO_TOKEN": testToken}, Mounts: bindData(dir)})
	get, err := http.NewRequest("GET", again.URL+"/v8/artifacts/abcdef?slug=web", nil)
	require.NoError(t, err)
	get.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(get)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.True(t, string(body) == string(artifact), "the artifact is stored whole (%d of %d bytes)", len(body), size)
}
