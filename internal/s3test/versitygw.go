package s3test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// VersitygwVersion is the versitygw release the tests run against.
const VersitygwVersion = "v1.8.0"

const versitygwModule = "github.com/versity/versitygw/cmd/versitygw"

// versitygwBinary finds the versitygw binary: $VERSITYGW_BIN, else the pinned
// build in the tools cache, which it makes with the go command when missing.
func versitygwBinary(ctx context.Context) (string, error) {
	if bin := os.Getenv(EnvVersitygwBin); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("s3test: %s=%q: %w", EnvVersitygwBin, bin, err)
		}
		return bin, nil
	}
	tools, err := ToolsDir()
	if err != nil {
		return "", fmt.Errorf("s3test: tools directory: %w", err)
	}
	dir := filepath.Join(tools, "versitygw-"+VersitygwVersion)
	bin := filepath.Join(dir, "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("s3test: %w", err)
	}
	return bin, buildVersitygw(ctx, dir)
}

// buildVersitygw installs the pinned versitygw into dir. It builds into a
// fresh directory and renames the binary into place, so that concurrent test
// packages never see a partial file.
func buildVersitygw(ctx context.Context, dir string) error {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("s3test: no versitygw binary and no go command to build one: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("s3test: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return fmt.Errorf("s3test: %w", err)
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gocmd, "install", versitygwModule+"@"+VersitygwVersion)
	cmd.Dir = tmp // outside any module
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("s3test: go install %s@%s: %w\n%s", versitygwModule, VersitygwVersion, err, out)
	}
	if err := os.Rename(filepath.Join(tmp, "versitygw"), filepath.Join(dir, "versitygw")); err != nil {
		return fmt.Errorf("s3test: %w", err)
	}
	return nil
}
