package containertest

import (
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// maxImageSize bounds the image: a static binary and a CA bundle.
const maxImageSize = 40 << 20

// TestImage checks what the image is: an empty base with the binary, a
// numeric non-root user, /data as a volume, and its size. (Its health check
// is checked on a container: podman's Docker API leaves it out of an
// image's description.)
func TestImage(t *testing.T) {
	imgs := images(t)
	p, err := testcontainers.NewDockerProvider()
	require.NoError(t, err)
	defer p.Close()
	inspect, err := p.Client().ImageInspect(context.Background(), imgs.Server)
	require.NoError(t, err)
	cfg := inspect.Config
	require.NotNil(t, cfg)
	assert.Equal(t, "65532:65532", cfg.User)
	assert.Equal(t, []string{"/turbocache"}, cfg.Entrypoint)
	assert.Contains(t, cfg.Env, "HOST=0.0.0.0")
	assert.Contains(t, cfg.Env, "PORT=3000")
	assert.Contains(t, cfg.Env, "STORAGE_DIR=/data")
	assert.Contains(t, cfg.Volumes, "/data")
	assert.Contains(t, cfg.ExposedPorts, "3000/tcp")
	assert.Less(t, inspect.Size, int64(maxImageSize))
	t.Logf("image %s: %.1f MB (%d bytes), %d layers", imgs.Server, float64(inspect.Size)/1e6, inspect.Size, len(inspect.RootFS.Layers))
}

// TestContainerServes runs the image with a read-only root filesystem as
// its non-root user: /healthz and /readyz answer, the health check command
// succeeds inside, and the server's process runs as uid 65532.
func TestContainerServes(t *testing.T) {
	imgs := images(t)
	srv := StartServer(t, imgs.Server, ServerOptions{Env: map[string]string{"TURBO_TOKEN": testToken}})
	ctx := context.Background()

	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, body)
	}

	code, out, err := srv.Container.Exec(ctx, []string{"/turbocache", "healthcheck"})
	require.NoError(t, err)
	msg, _ := io.ReadAll(out)
	assert.Equal(t, 0, code, "turbocache healthcheck in the container: %s", msg)

	inspect, err := srv.Container.Inspect(ctx)
	require.NoError(t, err)
	assert.True(t, inspect.HostConfig.ReadonlyRootfs, "read-only root filesystem")
	require.NotNil(t, inspect.Config.Healthcheck, "the image's HEALTHCHECK")
	assert.Equal(t, []string{"CMD", "/turbocache", "healthcheck"}, inspect.Config.Healthcheck.Test, "exec form: no shell")
	assertProcessUID(t, inspect.State.Pid, 65532)

	// The CA bundle, where Go's crypto/x509 looks for it on Linux, for S3,
	// R2 and KV over HTTPS.
	r, err := srv.Container.CopyFileFromContainer(ctx, "/etc/ssl/certs/ca-certificates.crt")
	require.NoError(t, err)
	bundle, err := io.ReadAll(r)
	r.Close()
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(bundle), "the image's CA bundle holds certificates")
	assert.Greater(t, bytes.Count(bundle, []byte("BEGIN CERTIFICATE")), 50, "a system CA bundle")

	// An upload lands on the volume: the only place it may write.
	req, err := http.NewRequest("PUT", srv.URL+"/v8/artifacts/0123abcd?slug=web", stringsReader("read-only root"))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusAccepted, resp.StatusCode)
}

// TestContainerOtherUser runs the image as an arbitrary non-root user, as
// OpenShift and Kubernetes' runAsUser do, with the volume owned by it.
func TestContainerOtherUser(t *testing.T) {
	imgs := images(t)
	dir := dataDir(t, 23456)
	srv := StartServer(t, imgs.Server, ServerOptions{
		Env: map[string]string{"TURBO_TOKEN": testToken}, User: "23456:23456", Mounts: bindData(dir),
	})
	inspect, err := srv.Container.Inspect(context.Background())
	require.NoError(t, err)
	assertProcessUID(t, inspect.State.Pid, 23456)
	req, err := http.NewRequest("PUT", srv.URL+"/v8/artifacts/0123abcd?slug=web", stringsReader("another user"))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusAccepted, resp.StatusCode)
	b, err := os.ReadFile(dir + "/web/0123abcd")
	require.NoError(t, err, "the artifact is in the mounted directory")
	assert.Contains(t, string(b), "another user")
}

// assertProcessUID checks, from the host, the real and effective user of
// the container's first process.
func assertProcessUID(t *testing.T, pid, uid int) {
	t.Helper()
	require.NotZero(t, pid, "the container's process id")
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Logf("cannot read the process's status from the host (%v): the engine runs elsewhere", err)
		return
	}
	m := regexp.MustCompile(`(?m)^Uid:\s+(\d+)\s+(\d+)`).FindSubmatch(status)
	require.NotNil(t, m, "no Uid line in /proc/%d/status", pid)
	assert.Equal(t, strconv.Itoa(uid), string(m[1]), "real uid")
	assert.Equal(t, strconv.Itoa(uid), string(m[2]), "effective uid")
}

// TestContainerNeedsToken: in a container (beyond loopback, no terminal)
// the server refuses to start without a configured token, saying which
// variables to set, rather than run with a token nobody can read.
func TestContainerNeedsToken(t *testing.T) {
	imgs := images(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctr, err := testcontainers.Run(ctx, imgs.Server,
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) { hc.ReadonlyRootfs = true }),
		testcontainers.WithWaitStrategyAndDeadline(30*time.Second, wait.ForExit()))
	cleanupWithLogs(t, ctr)
	require.NoError(t, err)
	state, err := ctr.State(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, state.ExitCode)
	assert.Contains(t, Logs(ctr), "set TURBO_TOKEN")
}
