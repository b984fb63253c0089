package containertest

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"
)

// serverPort is the port the image listens on (its PORT).
const serverPort = "3000/tcp"

// ServerOptions configure one server container. The zero value runs the
// image as it is, with a read-only root filesystem.
type ServerOptions struct {
	// Env is added to the image's environment.
	Env map[string]string
	// Network, when set, is a network the container joins besides the
	// default one.
	Network *testcontainers.DockerNetwork
	// Mounts are mounted into the container, /data for instance.
	Mounts []mount.Mount
	// User overrides the image's user ("uid:gid").
	User string
	// WritableRoot turns off the read-only root filesystem.
	WritableRoot bool
}

// Server is a running server container.
type Server struct {
	// URL is the server's base URL on the host's loopback.
	URL string
	// Container is the container, for its logs, state and stop.
	Container *testcontainers.DockerContainer
}

// StartServer runs the server's image and waits until /healthz answers.
// The container is removed when the test ends; its log is shown if the
// test failed.
func StartServer(t testing.TB, image string, opts ServerOptions) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	customize := []testcontainers.ContainerCustomizer{
		testcontainers.WithEnv(opts.Env),
		testcontainers.WithExposedPorts(serverPort),
		loopbackPorts(serverPort),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.ReadonlyRootfs = !opts.WritableRoot
			hc.Mounts = append(hc.Mounts, opts.Mounts...)
		}),
		testcontainers.WithWaitStrategyAndDeadline(time.Minute,
			wait.ForHTTP("/healthz").WithPort(serverPort).WithStatusCodeMatcher(func(code int) bool { return code == http.StatusOK })),
	}
	if opts.User != "" {
		customize = append(customize, testcontainers.WithConfigModifier(func(c *container.Config) { c.User = opts.User }))
	}
	if opts.Network != nil {
		customize = append(customize, tcnetwork.WithNetwork(nil, opts.Network))
	}
	ctr, err := testcontainers.Run(ctx, image, customize...)
	cleanupWithLogs(t, ctr)
	if err != nil {
		t.Fatalf("start %s: %v", image, err)
	}
	return &Server{URL: "http://" + hostPort(t, ctr, serverPort), Container: ctr}
}

// loopbackPorts publishes the ports on 127.0.0.1 only, on ports the engine
// chooses, rather than on every address of the host.
func loopbackPorts(ports ...string) testcontainers.CustomizeRequestOption {
	return testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
		if hc.PortBindings == nil {
			hc.PortBindings = network.PortMap{}
		}
		for _, p := range ports {
			hc.PortBindings[network.MustParsePort(p)] = []network.PortBinding{{HostIP: loopback}}
		}
	})
}

// hostPort is the 127.0.0.1:port where the container's port is published.
func hostPort(t testing.TB, ctr *testcontainers.DockerContainer, port string) string {
	t.Helper()
	p, err := ctr.MappedPort(context.Background(), port)
	if err != nil {
		t.Fatalf("port %s of the container: %v", port, err)
	}
	return loopback.String() + ":" + p.Port()
}

// cleanupWithLogs removes the container at the end of the test, after
// showing its log if the test failed.
func cleanupWithLogs(t testing.TB, ctr *testcontainers.DockerContainer) {
	t.Helper()
	if ctr == nil {
		return
	}
	testcontainers.CleanupContainer(t, ctr)
	// Cleanups run last first: the log is read before the removal.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of container %s:\n%s", ctr.GetContainerID(), Logs(ctr))
		}
	})
}

// Logs is what the container printed so far, stdout and stderr, or the
// error that kept it from being read.
func Logs(ctr *testcontainers.DockerContainer) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := ctr.Logs(ctx)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return string(b) + "(log cut: " + err.Error() + ")"
	}
	return string(b)
}
