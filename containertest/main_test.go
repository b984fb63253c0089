package containertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/internal/syncbuf"
)

// built is what TestMain prepared: the images, or why there are none.
var built struct {
	images Images
	err    error
	log    *syncbuf.Buffer
}

// TestMain builds the images once for all the tests, when an engine
// answers.
func TestMain(m *testing.M) {
	built.log = &syncbuf.Buffer{}
	built.images, built.err = prepare()
	os.Exit(m.Run())
}

func prepare() (Images, error) {
	// Published ports are reached on the loopback address. Without this,
	// testcontainers running inside a container would aim at a gateway.
	if _, ok := os.LookupEnv("TESTCONTAINERS_HOST_OVERRIDE"); !ok {
		os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", loopback.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return Images{}, fmt.Errorf("no container engine (is DOCKER_HOST set? .ci/install-podman starts one): %w", err)
	}
	err = p.Health(ctx)
	p.Close()
	if err != nil {
		return Images{}, fmt.Errorf("the container engine does not answer (DOCKER_HOST=%q; .ci/install-podman starts one): %w",
			os.Getenv("DOCKER_HOST"), err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		return Images{}, err
	}
	return BuildImages(ctx, root, built.log)
}

// images returns the images built for the tests; without them it skips
// the test, or fails it when servers are required (CI).
func images(t *testing.T) Images {
	t.Helper()
	if built.err != nil {
		s3test.Unavailable(t, "containers cannot run here: %v\n%s", built.err, built.log)
	}
	return built.images
}
