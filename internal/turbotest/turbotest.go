// Package turbotest drives the real turbo CLI against a remote cache, for
// end-to-end tests of any server speaking the protocol.
//
// [Binary] finds the turbo executable that .ci/install-turbo installs;
// [NewRepo] builds a throwaway npm-workspaces monorepo; [Repo.Run] runs
// `turbo run build` in it against a cache's base URL and returns what turbo
// printed and its run summary.
package turbotest

import (
	"testing"

	"github.com/turbocache/turbocache/internal/toolpath"
)

// Version is the turbo release the tests are written against.
const Version = "2.11.11"

// EnvTurbo names the variable holding the turbo executable's path, or the
// directory turbo was installed into (the one holding node_modules).
const EnvTurbo = "TURBOCACHE_TURBO"

// EnvRequire names the variable that, set to 1, turns a missing turbo, node
// or npm into a test failure instead of a skip.
const EnvRequire = toolpath.EnvRequire

// Binary returns the path of the turbo executable. It looks at
// $TURBOCACHE_TURBO, then in the tools cache where .ci/install-turbo puts it.
// When turbo, node or npm is missing it skips the test, or fails it when
// $TURBOCACHE_REQUIRE_SERVERS is 1.
func Binary(t testing.TB) string {
	t.Helper()
	return toolpath.Tool{Name: "turbo", Version: Version, Env: EnvTurbo, Needs: []string{"node", "npm", "git"}}.Binary(t)
}
