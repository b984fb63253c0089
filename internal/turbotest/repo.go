package turbotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/turbocache/turbocache/internal/turboenv"
)

// RepoOptions shapes the monorepo NewRepo builds. A nil *RepoOptions means
// the defaults.
type RepoOptions struct {
	// Packages is the number of workspace packages, each with a build task
	// writing dist/out.txt. Zero means 2.
	Packages int
	// OutputBytes adds that many random bytes to each package's output
	// (dist/blob.bin), to make artifacts larger. Zero adds none.
	OutputBytes int
	// Signature turns on artifact signing in turbo.json; runs then need
	// RunOptions.SignatureKey.
	Signature bool
}

// Repo is a throwaway npm-workspaces monorepo, committed in git.
type Repo struct {
	// Dir is the repository's root directory.
	Dir string
	// Packages are the workspace packages' names.
	Packages []string

	turbo string
}

// NewRepo builds a monorepo in a temporary directory removed after the test.
// It skips or fails the test like Binary when turbo cannot run.
func NewRepo(t testing.TB, opts *RepoOptions) *Repo {
	t.Helper()
	if opts == nil {
		opts = &RepoOptions{}
	}
	r := &Repo{Dir: t.TempDir(), turbo: Binary(t)}
	n := opts.Packages
	if n == 0 {
		n = 2
	}
	salt := rand.Text() // distinct task hashes in every repo
	for i := range n {
		name := fmt.Sprintf("pkg-%c", 'a'+i)
		r.Packages = append(r.Packages, name)
		dir := filepath.Join("packages", name)
		writeJSON(t, r.path(dir, "package.json"), map[string]any{
			"name": name, "version": "1.0.0", "private": true,
			"scripts": map[string]string{"build": "node build.js"},
		})
		script := fmt.Sprintf("const fs = require('fs');\n"+
			"fs.mkdirSync('dist', {recursive: true});\n"+
			"fs.writeFileSync('dist/out.txt', %q);\n", name+" "+salt+"\n")
		if opts.OutputBytes > 0 {
			script += fmt.Sprintf("fs.writeFileSync('dist/blob.bin', Buffer.from(%q, 'hex'));\n", randomHex(opts.OutputBytes))
		}
		writeFile(t, r.path(dir, "build.js"), script)
	}
	writeJSON(t, r.path("package.json"), map[string]any{
		"name": "turbotest-monorepo", "private": true,
		"packageManager": "npm@11.19.1", "workspaces": []string{"packages/*"},
	})
	turboJSON := map[string]any{"tasks": map[string]any{"build": map[string]any{"outputs": []string{"dist/**"}}}}
	if opts.Signature {
		turboJSON["remoteCache"] = map[string]any{"signature": true}
	}
	writeJSON(t, r.path("turbo.json"), turboJSON)
	writeFile(t, r.path(".gitignore"), "node_modules\n.turbo\ndist\n")
	// npm install writes the lockfile turbo reads; the packages have no
	// dependencies, so nothing is downloaded.
	r.command(t, 2*time.Minute, "npm", "install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts")
	r.command(t, time.Minute, "git", "init", "--quiet")
	r.command(t, time.Minute, "git", "add", "--all")
	r.command(t, time.Minute, "git", "-c", "user.name=turbotest", "-c", "user.email=turbotest@example.com",
		"commit", "--quiet", "--no-gpg-sign", "--message", "monorepo")
	return r
}

func (r *Repo) path(elem ...string) string {
	return filepath.Join(append([]string{r.Dir}, elem...)...)
}

// command runs a setup command in the repository and fails the test if it
// fails.
func (r *Repo) command(t testing.TB, timeout time.Duration, name string, args ...string) {
	t.Helper()
	ctx, cancel := contextWithTimeout(t, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = r.Dir
	cmd.Env = turboenv.Environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v in %s: %v\n%s", name, args, r.Dir, err, out)
	}
}

func writeJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("encoding %s: %v", path, err)
	}
	writeFile(t, path, string(b)+"\n")
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
