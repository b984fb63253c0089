package turbotest

import (
	"strings"
	"testing"
)

// RequireFullRemoteHit fails the test unless every task of the run was a
// hit from the remote cache, with timeSaved equal to the duration, in
// milliseconds, the task's artifact was uploaded with (durations maps task
// hashes to them), and turbo printed FULL TURBO.
func (res *Result) RequireFullRemoteHit(t testing.TB, durations map[string]int64) {
	t.Helper()
	if len(res.Summary.Tasks) == 0 {
		t.Fatalf("the run summary lists no tasks\n%s", res.Output)
	}
	for _, task := range res.Summary.Tasks {
		c := task.Cache
		if c.Status != "HIT" || !c.Remote || c.Local || c.Source != "REMOTE" {
			t.Errorf("task %s (%s): cache %+v, want a remote hit\n%s", task.TaskID, task.Hash, c, res.Output)
			continue
		}
		want, ok := durations[task.Hash]
		if !ok {
			t.Errorf("task %s: hash %s was never uploaded", task.TaskID, task.Hash)
		} else if c.TimeSaved != want {
			t.Errorf("task %s: timeSaved %d ms, want the uploaded duration %d ms", task.TaskID, c.TimeSaved, want)
		}
		if !strings.Contains(res.Output, "cache hit, replaying logs "+task.Hash) {
			t.Errorf("task %s: no \"cache hit, replaying logs %s\" in the output\n%s", task.TaskID, task.Hash, res.Output)
		}
	}
	if !strings.Contains(res.Output, "FULL TURBO") {
		t.Errorf("no FULL TURBO in the output\n%s", res.Output)
	}
}

// RequireAllMisses fails the test unless every task of the run was a cache
// miss.
func (res *Result) RequireAllMisses(t testing.TB) {
	t.Helper()
	if len(res.Summary.Tasks) == 0 {
		t.Fatalf("the run summary lists no tasks\n%s", res.Output)
	}
	for _, task := range res.Summary.Tasks {
		if task.Cache.Status != "MISS" {
			t.Errorf("task %s: cache %+v, want a miss\n%s", task.TaskID, task.Cache, res.Output)
		}
	}
}
