// Package turbotest drives the real turbo CLI against a remote cache, for
// end-to-end tests of any server speaking the protocol.
//
// [Binary] finds the turbo executable that .ci/install-turbo installs;
// [NewRepo] builds a throwaway npm-workspaces monorepo; [Repo.Run] runs
// `turbo run build` in it against a cache's base URL and returns what turbo
// printed and its run summary.
package turbotest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Version is the turbo release the tests are written against.
const Version = "2.11.11"

// EnvTurbo names the variable holding the turbo executable's path, or the
// directory turbo was installed into (the one holding node_modules).
const EnvTurbo = "TURBOCACHE_TURBO"

// EnvRequire names the variable that, set to 1, turns a missing turbo, node
// or npm into a test failure instead of a skip.
const EnvRequire = "TURBOCACHE_REQUIRE_SERVERS"

// Binary returns the path of the turbo executable. It looks at
// $TURBOCACHE_TURBO, then in the tools cache where .ci/install-turbo puts it.
// When turbo, node or npm is missing it skips the test, or fails it when
// $TURBOCACHE_REQUIRE_SERVERS is 1.
func Binary(t testing.TB) string {
	t.Helper()
	bin, err := findBinary()
	if err == nil {
		for _, tool := range []string{"node", "npm", "git"} {
			if _, lerr := exec.LookPath(tool); lerr != nil {
				err = lerr
				break
			}
		}
	}
	if err != nil {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("turbo cannot run (%v); install it with: eval \"$(.ci/install-turbo)\"", err)
		}
		t.Skipf("turbo cannot run (%v); install it with: eval \"$(.ci/install-turbo)\"", err)
	}
	return bin
}

func findBinary() (string, error) {
	candidates := []string{}
	if v := os.Getenv(EnvTurbo); v != "" {
		candidates = append(candidates, v, filepath.Join(v, "node_modules", ".bin", "turbo"))
	} else {
		tools := os.Getenv("TURBOCACHE_TOOLS")
		if tools == "" {
			cache, err := os.UserCacheDir()
			if err != nil {
				return "", err
			}
			tools = filepath.Join(cache, "turbocache", "tools")
		}
		candidates = append(candidates, filepath.Join(tools, "turbo-"+Version, "node_modules", ".bin", "turbo"))
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	return "", errors.New("no turbo executable at " + candidates[len(candidates)-1])
}
