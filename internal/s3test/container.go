package s3test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"

	"github.com/turbocache/turbocache/internal/freeport"
)

// startContainer runs the versitygw image named by TURBOCACHE_S3_IMAGE with
// the docker command, publishing its S3 port on 127.0.0.1. The image's entry
// point must be the versitygw binary (as in versitygw's published image); it
// is configured through versitygw's environment variables. Plain HTTP only.
//
// This path uses the docker command rather than a container library, so the
// module does not depend on a container client.
func startContainer(ctx context.Context, opts Options) (*Server, error) {
	image := os.Getenv(EnvImage)
	if opts.TLS {
		return nil, fmt.Errorf("s3test: %s=%q: the container provider serves plain HTTP only", EnvImage, image)
	}
	docker, err := exec.LookPath("docker")
	if err != nil {
		return nil, fmt.Errorf("s3test: %s=%q: %w", EnvImage, image, err)
	}
	if out, err := exec.CommandContext(ctx, docker, "info").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("s3test: %s=%q: no Docker engine: %w\n%s", EnvImage, image, err, out)
	}
	port, err := freeport.Get()
	if err != nil {
		return nil, fmt.Errorf("s3test: %w", err)
	}
	s := &Server{
		Endpoint:        "http://127.0.0.1:" + port,
		Region:          opts.region(),
		AccessKeyID:     "AKTEST" + randomHex(7),
		SecretAccessKey: randomHex(20),
		HTTPClient:      &http.Client{},
	}
	out, err := exec.CommandContext(ctx, docker, "run", "--detach", "--rm",
		"--publish", "127.0.0.1:"+port+":7070",
		"--volume", "/gw", // an anonymous volume, removed with the container
		"--env", "ROOT_ACCESS_KEY_ID="+s.AccessKeyID,
		"--env", "ROOT_SECRET_ACCESS_KEY="+s.SecretAccessKey,
		"--env", "VGW_PORT=:7070", "--env", "VGW_REGION="+s.Region, "--env", "VGW_QUIET=true",
		image, "posix", "/gw").Output()
	if err != nil {
		return nil, fmt.Errorf("s3test: docker run %s: %w", image, err)
	}
	id := strings.TrimSpace(string(out))
	s.closeFn = func() { _ = exec.Command(docker, "rm", "--force", id).Run() }
	exited := make(chan struct{}) // never closed: the engine owns the process
	if err := s.waitReady(ctx, exited); err != nil {
		s.closeFn()
		return nil, fmt.Errorf("s3test: container %s from %s: %w", id, image, err)
	}
	s.external = true // no Stop and Start for containers
	return s, nil
}
