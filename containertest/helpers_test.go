package containertest

import (
	"crypto/rand"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/mount"
	"github.com/stretchr/testify/require"
)

// randomName is a short random lower-case name part.
func randomName() string { return strings.ToLower(rand.Text()[:10]) }

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

// dataDir makes a host directory for /data owned by uid, so that the
// container's user can write to it; as root, the test can give it away.
func dataDir(t *testing.T, uid int) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o755))
	if err := os.Chown(dir, uid, uid); err != nil {
		t.Fatalf("the volume directory must belong to the container's user %d (run the tests as root): %v", uid, err)
	}
	return dir
}

// bindData mounts dir at /data.
func bindData(dir string) []mount.Mount { return bindAt(dir, "/data") }

// bindAt mounts dir at target.
func bindAt(dir, target string) []mount.Mount {
	return []mount.Mount{{Type: mount.TypeBind, Source: dir, Target: target}}
}

// testToken is the token the tests' servers accept: long enough for the
// server's minimum.
const testToken = "containertest-token-0123456789"
