package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/turbotest"
)

// TestTurbo runs the real turbo CLI against the handler twice per case and
// checks that the second run is a full hit from the remote cache.
func TestTurbo(t *testing.T) {
	const (
		rwToken = "rw-token-for-the-turbo-test"
		roToken = "ro-token-for-the-turbo-test"
	)
	auth, err := httpapi.NewTokenAuth(
		httpapi.Token{Name: "ci", Secret: rwToken},
		httpapi.Token{Name: "dev", Secret: roToken, ReadOnly: true},
	)
	require.NoError(t, err)
	store := newRecorder(nil)
	var mu sync.Mutex
	var events []httpapi.Event
	h, err := httpapi.New(store, &httpapi.Options{Auth: auth,
		OnEvents: func(_ context.Context, team string, evs []httpapi.Event) {
			mu.Lock()
			events = append(events, evs...)
			mu.Unlock()
		}})
	require.NoError(t, err)
	answers := map[string]int{} // "PUT 403" -> count
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		mu.Lock()
		answers[fmt.Sprintf("%s %d", r.Method, rec.status)]++
		answers[fmt.Sprintf("%s %s %d", r.Method, endpoint(r.URL.Path), rec.status)]++
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)

	t.Run("plain", func(t *testing.T) {
		repo := turbotest.NewRepo(t, nil)
		run := turbotest.RunOptions{API: srv.URL, Token: rwToken, Team: "team_plain"}
		repo.Run(t, run).RequireAllMisses(t)
		require.Len(t, store.durations("team_plain"), len(repo.Packages))
		repo.Run(t, run).RequireFullRemoteHit(t, store.durations("team_plain"))
		require.True(t, strings.HasPrefix(repo.Output(t, "pkg-a", "dist/out.txt"), "pkg-a "),
			"the restored output differs from the built one")
	})

	t.Run("signing", func(t *testing.T) {
		repo := turbotest.NewRepo(t, &turbotest.RepoOptions{Signature: true})
		run := turbotest.RunOptions{API: srv.URL, Token: rwToken, TeamID: "team_signed",
			SignatureKey: "0123456789abcdef0123456789abcdef"}
		repo.Run(t, run).RequireAllMisses(t)
		for key, md := range store.puts {
			if strings.HasPrefix(key, "team_signed/") {
				require.NotEmpty(t, md.Tag, "artifact %s was uploaded without a signature", key)
			}
		}
		repo.Run(t, run).RequireFullRemoteHit(t, store.durations("team_signed"))
	})

	t.Run("dry run and preflight", func(t *testing.T) {
		repo := turbotest.NewRepo(t, nil)
		run := turbotest.RunOptions{API: srv.URL, Token: rwToken, Team: "team_dry", Args: []string{"--preflight"}}
		repo.Run(t, run).RequireAllMisses(t)
		durations := store.durations("team_dry")
		require.Len(t, durations, len(repo.Packages), "uploads after a preflight")
		mu.Lock()
		preflights := answers["OPTIONS 200"]
		mu.Unlock()
		require.Positive(t, preflights, "turbo --preflight sent no OPTIONS")

		// --dry=json asks about all tasks in one batch query.
		dry := repo.Run(t, turbotest.RunOptions{API: srv.URL, Token: rwToken, Team: "team_dry", DryRun: true})
		require.Len(t, dry.Summary.Tasks, len(repo.Packages))
		for _, task := range dry.Summary.Tasks {
			require.Equal(t, "HIT", task.Cache.Status, "task %s", task.TaskID)
			require.True(t, task.Cache.Remote)
			require.Equal(t, durations[task.Hash], task.Cache.TimeSaved)
		}
		mu.Lock()
		queries := answers["POST /v8/artifacts 200"]
		mu.Unlock()
		require.Positive(t, queries, "no batch query")

		repo.Run(t, run).RequireFullRemoteHit(t, durations)
	})

	t.Run("events", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		require.Positive(t, answers["POST /v8/artifacts/events 200"], "no events accepted: %v", answers)
		for k, n := range answers {
			if strings.Contains(k, "events") && !strings.HasSuffix(k, " 200") {
				t.Errorf("%d events requests answered %s", n, k)
			}
		}
		hits := 0
		for _, e := range events {
			if e.Source == "REMOTE" && e.Event == "HIT" {
				hits++
			}
		}
		require.Positive(t, hits, "the hook saw no remote hits in %+v", events)
	})

	t.Run("teams are apart", func(t *testing.T) {
		repo := turbotest.NewRepo(t, nil)
		repo.Run(t, turbotest.RunOptions{API: srv.URL, Token: rwToken, Team: "team_one"}).RequireAllMisses(t)
		// The same task hashes under another team are misses.
		repo.Run(t, turbotest.RunOptions{API: srv.URL, Token: rwToken, Team: "team_two"}).RequireAllMisses(t)
	})

	t.Run("read-only token", func(t *testing.T) {
		repo := turbotest.NewRepo(t, nil)
		ro := turbotest.RunOptions{API: srv.URL, Token: roToken, Team: "team_ro"}
		before := store.putCount()
		res := repo.Run(t, ro)
		res.RequireAllMisses(t)
		require.Equal(t, before, store.putCount(), "a read-only token uploaded")
		mu.Lock()
		require.Positive(t, answers["PUT 403"], "turbo never tried to upload: %v", answers)
		mu.Unlock()
		require.NotContains(t, strings.ToLower(res.Output), "error", "turbo reported an error")
		t.Logf("turbo with a read-only token:\n%s", res.Output)

		repo.Run(t, turbotest.RunOptions{API: srv.URL, Token: rwToken, Team: "team_ro"}).RequireAllMisses(t)
		repo.Run(t, ro).RequireFullRemoteHit(t, store.durations("team_ro"))
	})
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// endpoint names the protocol endpoint of a path.
func endpoint(path string) string {
	switch path {
	case "/v8/artifacts", "/v8/artifacts/status", "/v8/artifacts/events":
		return path
	}
	return "/v8/artifacts/{hash}"
}
