package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/bench/internal/floor"
	"github.com/turbocache/turbocache/bench/internal/load"
)

// TestMain lets the test binary stand in for a server process: with
// COMPARE_TEST_SERVE set, it serves the floor handler on 127.0.0.1:$PORT
// from $STORAGE_DIR until it is killed.
func TestMain(m *testing.M) {
	if os.Getenv("COMPARE_TEST_SERVE") == "" {
		os.Exit(m.Run())
	}
	h, err := floor.New(os.Getenv("STORAGE_DIR"), nil)
	if err == nil {
		var ln net.Listener
		if ln, err = net.Listen("tcp", "127.0.0.1:"+os.Getenv("PORT")); err == nil {
			err = http.Serve(ln, h)
		}
	}
	os.Stderr.WriteString(err.Error() + "\n")
	os.Exit(1)
}

// TestRunOne starts a server process, runs a scaled-down workload against
// it with its peak RSS probed, and stops it.
func TestRunOne(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	s := server{name: "self", command: func(port, dir, _ string) ([]string, []string) {
		return []string{exe}, []string{"COMPARE_TEST_SERVE=1", "PORT=" + port, "STORAGE_DIR=" + dir}
	}}
	sizes := load.Sizes{Large: 1 << 20, LargeRounds: 1, Parallel: 2, Small: 1 << 10, SmallGets: 10, SmallPuts: 10, Conns: 2}
	var parallel load.Workload
	for _, w := range load.Workloads(sizes) {
		if w.Name == "parallel" {
			parallel = w
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	results, err := runOne(ctx, s, parallel, t.TempDir(), "token", sizes)
	require.NoError(t, err)
	require.Len(t, results, 2)
	for _, r := range results {
		assert.Zero(t, r.Errors, "%s: %v", r.Name, r.FirstError)
		assert.Greater(t, r.PeakRSS, int64(1<<20), "%s: the server's peak RSS", r.Name)
	}
}

// TestStartFails checks that a server that exits at once is reported with
// the place of its log.
func TestStartFails(t *testing.T) {
	s := server{name: "broken", command: func(port, dir, _ string) ([]string, []string) {
		return []string{"false"}, nil
	}}
	work := t.TempDir()
	_, err := s.start(context.Background(), work, "token")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exited before accepting connections")
	assert.Contains(t, err.Error(), "broken.log")
}
