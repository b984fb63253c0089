// Package nxtest drives the real nx CLI against a remote cache, for
// end-to-end tests of any server speaking Nx's self-hosted cache protocol.
//
// [Binary] finds the nx executable that .ci/install-nx installs;
// [NewWorkspace] builds a throwaway npm-workspaces Nx workspace whose
// node_modules is the installation's own, so that no test downloads
// anything; [Workspace.Run] runs `nx run-many -t build` in it against a
// cache's base URL, with nothing cached locally, and reports which tasks nx
// restored from the remote cache.
package nxtest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/turbocache/turbocache/internal/toolpath"
)

// Version is the nx release the tests are written against.
const Version = "24.0.6"

// EnvNx names the variable holding the nx executable's path
// (<dir>/node_modules/.bin/nx), or the directory nx was installed into (the
// one holding node_modules).
const EnvNx = "TURBOCACHE_NX"

// EnvRequire names the variable that, set to 1, turns a missing nx or node
// into a test failure instead of a skip.
const EnvRequire = toolpath.EnvRequire

// Binary returns the path of the nx executable. It looks at $TURBOCACHE_NX,
// then in the tools cache where .ci/install-nx puts it. When nx or node is
// missing it skips the test, or fails it when $TURBOCACHE_REQUIRE_SERVERS
// is 1.
func Binary(t testing.TB) string {
	t.Helper()
	return toolpath.Tool{Name: "nx", Version: Version, Env: EnvNx, Needs: []string{"node"}}.Binary(t)
}

// nodeModules returns the node_modules directory of the installation the
// executable bin (node_modules/.bin/nx) belongs to.
func nodeModules(bin string) (string, error) {
	dir := filepath.Dir(filepath.Dir(bin))
	if fi, err := os.Stat(filepath.Join(dir, "nx", "package.json")); err != nil || !fi.Mode().IsRegular() {
		return "", errors.New("no node_modules holding nx at " + dir)
	}
	return dir, nil
}
