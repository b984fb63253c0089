// Package toolpath finds the command-line tools that the .ci/install-<name>
// scripts install into the tools cache (npm packages such as turbo and nx),
// for the tests that run them, and applies the project's rule for a missing
// tool: a skip locally, a failure when $TURBOCACHE_REQUIRE_SERVERS is 1.
package toolpath

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// EnvRequire names the variable that, set to 1, turns a missing tool into a
// test failure instead of a skip.
const EnvRequire = "TURBOCACHE_REQUIRE_SERVERS"

// Tool is an npm-installed executable.
type Tool struct {
	// Name is the executable's name in node_modules/.bin, and the
	// install script's (.ci/install-<Name>).
	Name string
	// Version is the release the tools cache holds it under
	// (<tools>/<Name>-<Version>).
	Version string
	// Env names the variable holding the executable's path, or the
	// directory it was installed into (the one holding node_modules).
	Env string
	// Needs are other executables that must be on $PATH for it to run.
	Needs []string
}

// Binary returns the path of the executable. It looks at $<Env>, then in
// the tools cache ($TURBOCACHE_TOOLS, or turbocache/tools in the user's
// cache directory). When the executable or one it needs is missing it skips
// the test, or fails it when $TURBOCACHE_REQUIRE_SERVERS is 1.
func (tool Tool) Binary(t testing.TB) string {
	t.Helper()
	bin, err := tool.find()
	if err == nil {
		for _, need := range tool.Needs {
			if _, lerr := exec.LookPath(need); lerr != nil {
				err = lerr
				break
			}
		}
	}
	if err != nil {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("%s cannot run (%v); install it with: eval \"$(.ci/install-%s)\"", tool.Name, err, tool.Name)
		}
		t.Skipf("%s cannot run (%v); install it with: eval \"$(.ci/install-%s)\"", tool.Name, err, tool.Name)
	}
	return bin
}

func (tool Tool) find() (string, error) {
	var candidates []string
	if v := os.Getenv(tool.Env); v != "" {
		candidates = append(candidates, v, filepath.Join(v, "node_modules", ".bin", tool.Name))
	} else {
		tools := os.Getenv("TURBOCACHE_TOOLS")
		if tools == "" {
			cache, err := os.UserCacheDir()
			if err != nil {
				return "", err
			}
			tools = filepath.Join(cache, "turbocache", "tools")
		}
		candidates = append(candidates, filepath.Join(tools, tool.Name+"-"+tool.Version, "node_modules", ".bin", tool.Name))
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	return "", errors.New("no " + tool.Name + " executable at " + candidates[len(candidates)-1])
}
