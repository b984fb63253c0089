package turbotest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/turbocache/turbocache/internal/syncbuf"
	"github.com/turbocache/turbocache/internal/turboenv"
)

// RunOptions configures one `turbo run build`.
type RunOptions struct {
	// API is the remote cache's base URL, passed as --api. Required.
	API string
	// Token is passed as --token.
	Token string
	// Team is passed as --team (sent as ?slug=).
	Team string
	// TeamID is set as TURBO_TEAMID (sent as ?teamId= when it starts with
	// "team_").
	TeamID string
	// SignatureKey is set as TURBO_REMOTE_CACHE_SIGNATURE_KEY.
	SignatureKey string
	// Args are extra arguments for turbo.
	Args []string
	// Env are extra environment variables, as "NAME=value".
	Env []string
	// DryRun runs `turbo run build --dry=json`, which asks the cache about
	// every task in one batch query and runs nothing; the Summary is then
	// the dry run's JSON.
	DryRun bool
	// KeepLocal keeps the local caches and outputs of the previous run;
	// by default they are removed so that only the remote cache can hit.
	KeepLocal bool
	// Timeout bounds the run. Zero means two minutes.
	Timeout time.Duration
}

// Result is what one turbo run produced.
type Result struct {
	// Output is what turbo printed, stdout and stderr interleaved.
	Output string
	// Summary is the run summary turbo wrote (--summarize).
	Summary Summary
}

// Summary is the part of turbo's run summary (.turbo/runs/*.json) the
// tests look at.
type Summary struct {
	Tasks []Task `json:"tasks"`
}

// Task is one task of a run summary.
type Task struct {
	TaskID string    `json:"taskId"`
	Hash   string    `json:"hash"`
	Cache  TaskCache `json:"cache"`
}

// TaskCache tells where a task's outputs came from.
type TaskCache struct {
	Local     bool   `json:"local"`
	Remote    bool   `json:"remote"`
	Status    string `json:"status"` // "HIT" or "MISS"
	Source    string `json:"source"` // "LOCAL" or "REMOTE" on a hit
	TimeSaved int64  `json:"timeSaved"`
}

// Run runs `turbo run build` in the repository and returns its output and
// run summary. It fails the test if turbo exits with an error.
func (r *Repo) Run(t testing.TB, opts RunOptions) *Result {
	t.Helper()
	if opts.API == "" {
		t.Fatal("turbotest: RunOptions.API is required")
	}
	if !opts.KeepLocal {
		r.clearLocal(t)
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := contextWithTimeout(t, timeout)
	defer cancel()
	args := []string{"run", "build", "--api=" + opts.API, "--ui=stream", "--no-color"}
	if opts.DryRun {
		args = append(args, "--dry=json")
	} else {
		args = append(args, "--summarize")
	}
	if opts.Token != "" {
		args = append(args, "--token="+opts.Token)
	}
	if opts.Team != "" {
		args = append(args, "--team="+opts.Team)
	}
	args = append(args, opts.Args...)
	cmd := exec.CommandContext(ctx, r.turbo, args...)
	cmd.Dir = r.Dir
	cmd.Env = turboenv.Environ()
	if opts.TeamID != "" {
		cmd.Env = append(cmd.Env, "TURBO_TEAMID="+opts.TeamID)
	}
	if opts.SignatureKey != "" {
		cmd.Env = append(cmd.Env, "TURBO_REMOTE_CACHE_SIGNATURE_KEY="+opts.SignatureKey)
	}
	cmd.Env = append(cmd.Env, opts.Env...)
	var stdout bytes.Buffer
	combined := &syncbuf.Buffer{}
	cmd.Stdout = io.MultiWriter(&stdout, combined)
	cmd.Stderr = combined
	err := cmd.Run()
	res := &Result{Output: combined.String()}
	if err != nil {
		t.Fatalf("turbo %s: %v\n%s", strings.Join(redact(args), " "), err, res.Output)
	}
	if opts.DryRun {
		if err := json.Unmarshal(stdout.Bytes(), &res.Summary); err != nil {
			t.Fatalf("turbo --dry=json printed no JSON (%v):\n%s", err, res.Output)
		}
	} else {
		res.Summary = r.latestSummary(t)
	}
	return res
}

// clearLocal removes turbo's local cache, run summaries and the build
// outputs, so that the next run finds outputs only in the remote cache.
func (r *Repo) clearLocal(t testing.TB) {
	t.Helper()
	paths := []string{r.path(".turbo"), r.path("node_modules", ".cache", "turbo")}
	for _, p := range r.Packages {
		paths = append(paths, r.path("packages", p, "dist"), r.path("packages", p, ".turbo"))
	}
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			t.Fatalf("clearing the local cache: %v", err)
		}
	}
}

func (r *Repo) latestSummary(t testing.TB) Summary {
	t.Helper()
	files, err := filepath.Glob(r.path(".turbo", "runs", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no run summary in %s (%v)", r.path(".turbo", "runs"), err)
	}
	newest, newestTime := "", time.Time{}
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(newestTime) {
			newest, newestTime = f, fi.ModTime()
		}
	}
	b, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("run summary %s: %v", newest, err)
	}
	return s
}

// Output reads a package's build output file, relative to its directory.
func (r *Repo) Output(t testing.TB, pkg, name string) string {
	t.Helper()
	b, err := os.ReadFile(r.path("packages", pkg, name))
	if err != nil {
		t.Fatalf("output of %s: %v", pkg, err)
	}
	return string(b)
}

// redact hides the token in a command line shown in a failure.
func redact(args []string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if strings.HasPrefix(a, "--token=") {
			out[i] = "--token=…"
		}
	}
	return out
}

// contextWithTimeout bounds a command by timeout and by the test's end.
func contextWithTimeout(t testing.TB, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), timeout)
}
