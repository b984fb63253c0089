package nxtest

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/turbocache/turbocache/internal/syncbuf"
)

// RunOptions configures one `nx run-many -t build`.
type RunOptions struct {
	// Server is the remote cache's base URL, set as
	// NX_SELF_HOSTED_REMOTE_CACHE_SERVER. Required.
	Server string
	// Token is set as NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN when not
	// empty.
	Token string
	// Env are extra environment variables, as "NAME=value".
	Env []string
	// MayFail lets nx exit with an error without failing the test; the
	// Result then has Err set.
	MayFail bool
	// Timeout bounds the run. Zero means two minutes.
	Timeout time.Duration
}

// Result is what one nx run produced.
type Result struct {
	// Output is what nx printed, stdout and stderr interleaved.
	Output string
	// Err is nx's exit error, nil when it succeeded.
	Err error
	// Tasks maps each project whose build nx reported to where its
	// outputs came from: "remote cache", "local cache", or "" when the
	// task ran.
	Tasks map[string]string
}

// taskLine is how nx --output-style=static announces a task, with the
// source of its outputs in brackets when they came from a cache.
var taskLine = regexp.MustCompile(`(?m)^> nx run ([A-Za-z0-9_.-]+):build(?:\s+\[([a-z ]+)\])?\s*$`)

// Run runs `nx run-many -t build` in the workspace. Every run starts with
// nothing cached locally: the build outputs are removed and nx gets a new
// cache and workspace-data directory, and no daemon, so that only the remote
// cache can restore a task. It fails the test if nx exits with an error,
// unless opts.MayFail.
func (w *Workspace) Run(t testing.TB, opts RunOptions) *Result {
	t.Helper()
	if opts.Server == "" {
		t.Fatal("nxtest: RunOptions.Server is required")
	}
	for _, p := range w.Packages {
		if err := os.RemoveAll(w.path("packages", p, "dist")); err != nil {
			t.Fatalf("nxtest: removing outputs: %v", err)
		}
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.nx, "run-many", "-t", "build", "--output-style=static")
	cmd.Dir = w.Dir
	cmd.Env = append(cleanEnv(),
		"HOME="+t.TempDir(), // nx keeps state in ~/.nx: none shared between runs
		"NX_CACHE_DIRECTORY="+t.TempDir(),
		"NX_WORKSPACE_DATA_DIRECTORY="+t.TempDir(),
		"NX_SELF_HOSTED_REMOTE_CACHE_SERVER="+opts.Server,
	)
	if opts.Token != "" {
		cmd.Env = append(cmd.Env, "NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN="+opts.Token)
	}
	cmd.Env = append(cmd.Env, opts.Env...)
	out := &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	err := cmd.Run()
	res := &Result{Output: out.String(), Err: err, Tasks: map[string]string{}}
	if ctx.Err() != nil {
		t.Fatalf("nx run-many did not end within %v:\n%s", timeout, res.Output)
	}
	if err != nil && !opts.MayFail {
		t.Fatalf("nx run-many -t build: %v\n%s", err, res.Output)
	}
	for _, m := range taskLine.FindAllStringSubmatch(res.Output, -1) {
		res.Tasks[m[1]] = m[2]
	}
	return res
}

// RequireRan checks that every package's build ran, none restored from a
// cache.
func (r *Result) RequireRan(t testing.TB, packages []string) {
	t.Helper()
	r.requireAll(t, packages, "")
}

// RequireRemoteHits checks that every package's build was restored from the
// remote cache and that nx reported a full cache hit.
func (r *Result) RequireRemoteHits(t testing.TB, packages []string) {
	t.Helper()
	r.requireAll(t, packages, "remote cache")
	if !strings.Contains(r.Output, "from the cache instead of running the command for") {
		t.Fatalf("nx did not report tasks read from the cache:\n%s", r.Output)
	}
}

func (r *Result) requireAll(t testing.TB, packages []string, source string) {
	t.Helper()
	for _, p := range packages {
		got, ok := r.Tasks[p]
		if !ok {
			t.Fatalf("nx reported no build of %s:\n%s", p, r.Output)
		}
		if got != source {
			t.Fatalf("build of %s: outputs from %q, want %q:\n%s", p, got, source, r.Output)
		}
	}
}

// cleanEnv is the test process's environment without what would change
// nx's behaviour (CI detection, NX_* settings, Nx Cloud's variables), with
// no daemon, no Nx Cloud, no colours and no interactive output.
func cleanEnv() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return name == "CI" || strings.HasPrefix(name, "NX_") || name == "GITHUB_ACTIONS" ||
			name == "FORCE_COLOR" || name == "HOME"
	})
	return append(env, "NX_DAEMON=false", "NX_NO_CLOUD=true", "NX_TUI=false", "NX_INTERACTIVE=false",
		"NO_COLOR=1", "FORCE_COLOR=0", "NPM_CONFIG_UPDATE_NOTIFIER=false")
}
