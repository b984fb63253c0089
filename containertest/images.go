package containertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	"github.com/turbocache/turbocache/internal/s3test"
)

// Images names the images the tests run.
type Images struct {
	// Server is the server's image, built from the repository's
	// Containerfile around a binary built from ../examples/server.
	Server string
	// Versitygw is an image of the pinned versitygw binary.
	Versitygw string
}

// caBundles are where distributions keep the system's CA bundle; the
// first that exists goes into the server's image, as the build stage of
// the Containerfile would put its own.
var caBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Alpine
	"/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL
	"/etc/ssl/cert.pem",                  // macOS, BSDs
}

// versitygwContainerfile is the versitygw image: the static binary alone.
// Its S3 data goes to a tmpfs the container mounts at /gw.
const versitygwContainerfile = `FROM scratch
COPY versitygw /versitygw
ENTRYPOINT ["/versitygw"]
`

// BuildImages builds both images, writing the builds' output to log.
// repoRoot is the repository's root directory (the parent of this module).
func BuildImages(ctx context.Context, repoRoot string, log io.Writer) (Images, error) {
	var imgs Images
	var err error
	if imgs.Server, err = buildServerImage(ctx, repoRoot, log); err != nil {
		return imgs, err
	}
	imgs.Versitygw, err = buildVersitygwImage(ctx, log)
	return imgs, err
}

func buildServerImage(ctx context.Context, repoRoot string, log io.Writer) (string, error) {
	dir, err := os.MkdirTemp("", "turbocache-image-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w",
		"-o", filepath.Join(dir, "turbocache"), "./examples/server")
	build.Dir = repoRoot
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./examples/server: %w\n%s", err, out)
	}
	bundle := ""
	for _, b := range caBundles {
		if _, err := os.Stat(b); err == nil {
			bundle = b
			break
		}
	}
	if bundle == "" {
		return "", fmt.Errorf("no CA bundle for the image at any of %v", caBundles)
	}
	if err := copyFile(bundle, filepath.Join(dir, "ca-certificates.crt")); err != nil {
		return "", err
	}
	if err := copyFile(filepath.Join(repoRoot, "Containerfile"), filepath.Join(dir, "Containerfile")); err != nil {
		return "", err
	}
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		return "", err
	}
	return buildImage(ctx, dir, "localhost/turbocache", "prebuilt", log)
}

func buildVersitygwImage(ctx context.Context, log io.Writer) (string, error) {
	bin, err := versitygwBinary()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "versitygw-image-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if err := copyFile(bin, filepath.Join(dir, "versitygw")); err != nil {
		return "", err
	}
	if err := os.Chmod(filepath.Join(dir, "versitygw"), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "Containerfile"), []byte(versitygwContainerfile), 0o644); err != nil {
		return "", err
	}
	return buildImage(ctx, dir, "localhost/turbocache-versitygw", "", log)
}

// versitygwBinary is $VERSITYGW_BIN, else the pinned build in the tools
// cache.
func versitygwBinary() (string, error) {
	bin := os.Getenv(s3test.EnvVersitygwBin)
	if bin == "" {
		tools, err := s3test.ToolsDir()
		if err != nil {
			return "", err
		}
		bin = filepath.Join(tools, "versitygw-"+s3test.VersitygwVersion, "versitygw")
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("no versitygw binary (build it with: eval \"$(bash .ci/install-versitygw)\"): %w", err)
	}
	return bin, nil
}

// buildImage builds the Containerfile in dir (its target, if not empty)
// through the engine's API and tags it repo:containertest.
func buildImage(ctx context.Context, dir, repo, target string, log io.Writer) (string, error) {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return "", err
	}
	defer p.Close()
	tag, err := p.BuildImage(ctx, &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context:        dir,
		Dockerfile:     "Containerfile",
		Repo:           repo,
		Tag:            "containertest",
		KeepImage:      true,
		BuildLogWriter: log,
		BuildOptionsModifier: func(o *client.ImageBuildOptions) {
			o.Target = target
			o.Remove = true
			o.ForceRemove = true
		},
	}})
	if err != nil {
		return "", fmt.Errorf("build %s from %s: %w", repo, dir, err)
	}
	return tag, nil
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	_, err = io.Copy(out, in)
	return err
}
