package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/internal/turbotest"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/selector"
)

// TestTurboLocalDirectory follows the command line the server prints with
// the real turbo CLI: the second run is a full remote hit, and /metrics
// counts exactly the lookups turbo made.
func TestTurboLocalDirectory(t *testing.T) {
	repo := turbotest.NewRepo(t, nil)
	s := startServerInTerminal(t, nil)
	var m []string
	require.Eventually(t, func() bool {
		m = regexp.MustCompile(`--api=(\S+) --token=(\S+) --team=(\S+)`).FindStringSubmatch(s.stdout.String())
		return m != nil
	}, 5*time.Second, 5*time.Millisecond, "no command line in %q", s.stdout)
	run := turbotest.RunOptions{API: m[1], Token: m[2], Team: m[3]}
	require.Equal(t, s.URL, run.API)

	tasks := turboTwice(t, s, repo, run)

	_, metrics, _ := s.do(t, "GET", "/metrics", "", "")
	assert.Equal(t, tasks, metricValue(t, metrics, `turbocache_lookups_total{result="miss"}`), "misses: run 1")
	assert.Equal(t, tasks, metricValue(t, metrics, `turbocache_lookups_total{result="hit"}`), "hits: run 2")
	assert.Equal(t, tasks, metricValue(t, metrics, `turbocache_client_cache_events_total{event="HIT",source="REMOTE"}`),
		"REMOTE HIT events turbo reported")
	assert.Equal(t, tasks, metricValue(t, metrics, `turbocache_http_requests_total{code="202",method="PUT",route="artifact"}`),
		"uploads")
}

// TestTurboBackends runs the same two turbo runs against the server started
// with each cloud backend's variables.
func TestTurboBackends(t *testing.T) {
	for _, tc := range []struct {
		backend selector.Backend
		env     func(t *testing.T) map[string]string
	}{
		{selector.S3, func(t *testing.T) map[string]string {
			srv := s3servers.Get(t, s3test.Options{})
			return map[string]string{
				"S3_ACCESS_KEY_ID": srv.AccessKeyID, "S3_SECRET_ACCESS_KEY": srv.SecretAccessKey,
				"S3_BUCKET_NAME": srv.NewBucket(t), "S3_REGION": srv.Region,
				"S3_ENDPOINT": srv.Endpoint, "S3_FORCE_PATH_STYLE": "true",
			}
		}},
		{selector.KV, func(t *testing.T) map[string]string {
			kv := kvtest.Start(t, nil)
			return map[string]string{
				"CLOUDFLARE_ACCOUNT_ID": kv.AccountID, "CLOUDFLARE_API_TOKEN": kv.Token,
				"KV_NAMESPACE_ID": kv.NamespaceID, "CLOUDFLARE_API_URL": kv.URL,
			}
		}},
		{selector.R2, func(t *testing.T) map[string]string {
			srv := s3servers.Get(t, s3test.Options{Region: "auto"})
			return map[string]string{
				"R2_ACCESS_KEY_ID": srv.AccessKeyID, "R2_SECRET_ACCESS_KEY": srv.SecretAccessKey,
				"R2_BUCKET_NAME": srv.NewBucket(t), "R2_ENDPOINT": srv.Endpoint,
			}
		}},
	} {
		t.Run(string(tc.backend), func(t *testing.T) {
			repo := turbotest.NewRepo(t, nil)
			env := tc.env(t)
			env["TURBO_TOKEN"] = "backend-token"
			s := startServer(t, env)
			assert.Contains(t, s.stderr.String(), fmt.Sprintf("storage=%s", tc.backend))
			turboTwice(t, s, repo, turbotest.RunOptions{API: s.URL, Token: "backend-token", Team: "web"})
		})
	}
}

// turboTwice runs turbo twice with the local caches cleared in between,
// requires that the second run is a full remote hit with the durations the
// server stored, and returns the number of tasks.
func turboTwice(t *testing.T, s *server, repo *turbotest.Repo, run turbotest.RunOptions) float64 {
	t.Helper()
	first := repo.Run(t, run)
	first.RequireAllMisses(t)

	// What the server stored, read through a store opened like the server's.
	sel, err := selector.Open(context.Background(), s.cfg.Storage)
	require.NoError(t, err)
	durations := map[string]int64{}
	for _, task := range first.Summary.Tasks {
		info, err := sel.Store.Stat(t.Context(), run.Team+"/"+task.Hash)
		require.NoError(t, err, "task %s was not uploaded", task.TaskID)
		durations[task.Hash] = info.Duration.Milliseconds()
	}
	if c, ok := sel.Store.(interface{ Close() error }); ok {
		c.Close()
	}
	repo.Run(t, run).RequireFullRemoteHit(t, durations)
	return float64(len(first.Summary.Tasks))
}

// metricValue finds one series in a /metrics answer.
func metricValue(t *testing.T, metrics, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(metrics)
	require.NotNil(t, m, "no %s in /metrics", series)
	v, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	return v
}
