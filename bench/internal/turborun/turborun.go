// Package turborun times whole `turbo run build` runs against a remote
// cache: the workload a team sees, where turbo's own work (hashing, process
// start, unpacking) and the server's share one clock.
//
// [New] builds a monorepo of packages whose build writes a random output
// of a given size; [Repo.Run] clears turbo's local caches and the outputs,
// runs turbo against a server and checks what it did.
package turborun

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/turbocache/turbocache/internal/turboenv"
)

// Repo is a monorepo of npm workspaces, committed in git.
type Repo struct {
	dir      string
	turbo    string
	packages []string
	// sums are the SHA-256 of each package's output after the last run
	// that built it, by package.
	sums map[string][sha256.Size]byte
}

// outputFile is the output every package's build writes, relative to the
// package's directory.
const outputFile = "dist/blob.bin"

// New builds a monorepo of packages workspace packages in dir, which must
// be empty or missing. Each package's build writes outputBytes random
// bytes, so its artifact is about that size and does not compress. turbo
// is the turbo executable; npm and git must be on PATH.
func New(ctx context.Context, dir, turbo string, packages, outputBytes int) (*Repo, error) {
	if packages < 1 || outputBytes < 1 {
		return nil, fmt.Errorf("turborun: %d packages of %d bytes: want at least one of one byte", packages, outputBytes)
	}
	r := &Repo{dir: dir, turbo: turbo, sums: map[string][sha256.Size]byte{}}
	script := fmt.Sprintf("const fs = require('fs');\n"+
		"fs.mkdirSync('dist', {recursive: true});\n"+
		"fs.writeFileSync(%q, require('crypto').randomBytes(%d));\n", outputFile, outputBytes)
	for i := range packages {
		name := fmt.Sprintf("pkg-%03d", i)
		r.packages = append(r.packages, name)
		pkg := filepath.Join(dir, "packages", name)
		manifest := map[string]any{"name": name, "version": "1.0.0", "private": true,
			"scripts": map[string]string{"build": "node build.js"}}
		if err := writeJSON(filepath.Join(pkg, "package.json"), manifest); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(pkg, "build.js"), []byte(script), 0o644); err != nil {
			return nil, err
		}
	}
	root := map[string]any{"name": "turborun-monorepo", "private": true,
		"packageManager": "npm@11.19.1", "workspaces": []string{"packages/*"}}
	if err := writeJSON(filepath.Join(dir, "package.json"), root); err != nil {
		return nil, err
	}
	tasks := map[string]any{"tasks": map[string]any{"build": map[string]any{"outputs": []string{"dist/**"}}}}
	if err := writeJSON(filepath.Join(dir, "turbo.json"), tasks); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("node_modules\n.turbo\ndist\n"), 0o644); err != nil {
		return nil, err
	}
	// npm install writes the lockfile turbo reads; the packages have no
	// dependencies, so nothing is downloaded.
	for _, argv := range [][]string{
		{"npm", "install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"},
		{"git", "init", "--quiet"},
		{"git", "add", "--all"},
		{"git", "-c", "user.name=turborun", "-c", "user.email=turborun@example.com",
			"commit", "--quiet", "--no-gpg-sign", "--message", "monorepo"},
	} {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Dir, cmd.Env = dir, turboenv.Environ()
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("turborun: %v in %s: %w\n%s", argv, dir, err, out)
		}
	}
	return r, nil
}

// Server is the remote cache a run talks to.
type Server struct {
	// URL is the cache's base URL, passed as --api.
	URL string
	// Token is passed as --token; Team as --team.
	Token, Team string
}

// Expect is what a run must have done.
type Expect int

const (
	// AllMisses expects every task to run and its outputs to be uploaded.
	AllMisses Expect = iota
	// AllRemoteHits expects every task to be restored from the remote
	// cache, with the outputs the last AllMisses run built.
	AllRemoteHits
)

// Run removes turbo's local caches and the packages' outputs, runs `turbo
// run build` against s and returns how long turbo took, from start to
// exit. It fails unless every task did what want says.
func (r *Repo) Run(ctx context.Context, s Server, want Expect) (time.Duration, error) {
	if err := r.clearLocal(); err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, r.turbo, "run", "build", "--api="+s.URL, "--token="+s.Token,
		"--team="+s.Team, "--ui=stream", "--no-color")
	cmd.Dir, cmd.Env = r.dir, turboenv.Environ()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("turbo run build: %w\n%s", err, out.Bytes())
	}
	if err := r.check(out.Bytes(), want); err != nil {
		return 0, err
	}
	return took, nil
}

// cached matches turbo's summary line, "Cached:    3 cached, 60 total".
var cached = regexp.MustCompile(`Cached:\s+(\d+) cached, (\d+) total`)

// check verifies turbo's summary line and the outputs on disk against
// want.
func (r *Repo) check(out []byte, want Expect) error {
	m := cached.FindSubmatch(out)
	if m == nil {
		return fmt.Errorf("turbo printed no \"Cached: N cached, N total\" line:\n%s", out)
	}
	hits, _ := strconv.Atoi(string(m[1]))
	total, _ := strconv.Atoi(string(m[2]))
	wantHits := 0
	if want == AllRemoteHits {
		wantHits = len(r.packages)
	}
	if total != len(r.packages) || hits != wantHits {
		return fmt.Errorf("turbo: %d cached of %d tasks, want %d of %d:\n%s", hits, total, wantHits, len(r.packages), out)
	}
	for _, p := range r.packages {
		b, err := os.ReadFile(filepath.Join(r.dir, "packages", p, outputFile))
		if err != nil {
			return fmt.Errorf("turbo left no output in %s: %w", p, err)
		}
		sum := sha256.Sum256(b)
		if want == AllMisses {
			r.sums[p] = sum
		} else if sum != r.sums[p] {
			return fmt.Errorf("%s: the restored %s differs from the one built", p, outputFile)
		}
	}
	return nil
}

// clearLocal removes turbo's local cache, its run data and the build
// outputs, so that only the remote cache can hit.
func (r *Repo) clearLocal() error {
	paths := []string{filepath.Join(r.dir, ".turbo"), filepath.Join(r.dir, "node_modules", ".cache", "turbo")}
	for _, p := range r.packages {
		paths = append(paths, filepath.Join(r.dir, "packages", p, "dist"), filepath.Join(r.dir, "packages", p, ".turbo"))
	}
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("turborun: clearing the local cache: %w", err)
		}
	}
	return nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
