package nxtest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Workspace is a throwaway Nx workspace of npm-workspaces packages, each
// with a cached build target writing dist/out.txt.
type Workspace struct {
	// Dir is the workspace's root directory.
	Dir string
	// Packages are the workspace packages' names (also their Nx project
	// names). pkg-b depends on pkg-a, so that a run has a task graph.
	Packages []string

	nx string
}

// NewWorkspace builds a workspace of n packages (2 or more; 0 means 3) in a
// temporary directory removed after the test. Its node_modules is a link to
// nx's installation. It skips or fails the test like Binary when nx cannot
// run.
func NewWorkspace(t testing.TB, n int) *Workspace {
	t.Helper()
	w := &Workspace{Dir: t.TempDir(), nx: Binary(t)}
	modules, err := nodeModules(w.nx)
	if err != nil {
		t.Fatalf("nxtest: %v", err)
	}
	if n == 0 {
		n = 3
	}
	salt := rand.Text() // distinct task hashes in every workspace
	for i := range n {
		name := fmt.Sprintf("pkg-%c", 'a'+i)
		w.Packages = append(w.Packages, name)
		pkg := map[string]any{
			"name": name, "version": "1.0.0", "private": true,
			"scripts": map[string]string{"build": "node build.js"},
		}
		if name == "pkg-b" {
			pkg["dependencies"] = map[string]string{"pkg-a": "*"}
		}
		dir := filepath.Join("packages", name)
		writeJSON(t, w.path(dir, "package.json"), pkg)
		writeFile(t, w.path(dir, "build.js"), fmt.Sprintf("const fs = require('fs');\n"+
			"fs.mkdirSync('dist', {recursive: true});\n"+
			"fs.writeFileSync('dist/out.txt', %q);\n"+
			"console.log('built %s');\n", name+" "+salt+"\n", name))
	}
	writeJSON(t, w.path("package.json"), map[string]any{
		"name": "nxtest-workspace", "private": true, "workspaces": []string{"packages/*"},
	})
	writeJSON(t, w.path("nx.json"), map[string]any{
		"targetDefaults": map[string]any{"build": map[string]any{
			"cache": true, "dependsOn": []string{"^build"}, "outputs": []string{"{projectRoot}/dist"},
		}},
	})
	writeFile(t, w.path(".gitignore"), "node_modules\ndist\n.nx\n")
	if err := os.Symlink(modules, w.path("node_modules")); err != nil {
		t.Fatalf("nxtest: linking node_modules: %v", err)
	}
	return w
}

// Output reads a package's build output file, dist/out.txt.
func (w *Workspace) Output(t testing.TB, pkg string) string {
	t.Helper()
	b, err := os.ReadFile(w.path("packages", pkg, "dist", "out.txt"))
	if err != nil {
		t.Fatalf("output of %s: %v", pkg, err)
	}
	return string(b)
}

func (w *Workspace) path(elem ...string) string {
	return filepath.Join(append([]string{w.Dir}, elem...)...)
}

func writeJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, name, string(b)+"\n")
}

func writeFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
