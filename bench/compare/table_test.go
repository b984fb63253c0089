package main

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/bench/internal/load"
)

func TestSpreadOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want spread
	}{
		{"none", nil, spread{}},
		{"one", []float64{2}, spread{2, 2, 2, 1}},
		{"odd", []float64{3, 1, 2}, spread{2, 1, 3, 3}},
		{"even", []float64{4, 1, 3, 2}, spread{2.5, 1, 4, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, spreadOf(tc.in))
		})
	}
}

func TestWrite(t *testing.T) {
	m := newMeasurements()
	for round, f := range []float64{1, 3, 2} {
		sec := time.Duration(float64(time.Second) / f)
		m.add("ours", load.Result{Name: "PUT 1 MiB", Requests: 1, Bytes: 1 << 20, Elapsed: sec, P50: sec, P99: sec, PeakRSS: 10 << 20}, false)
		m.add("peer", load.Result{Name: "PUT 1 MiB", Requests: 1, Bytes: 1 << 20, Elapsed: 2 * sec, P50: sec, P99: sec, PeakRSS: 100 << 20}, false)
		m.add("floor", load.Result{Name: "PUT 1 MiB", Requests: 1, Bytes: 1 << 20, Elapsed: sec / 2, P50: sec, P99: sec, PeakRSS: 5 << 20}, false)
		res := load.Result{Name: "9× GET 1 KiB", Requests: 10, Elapsed: time.Second, P50: time.Millisecond, P99: 2 * time.Millisecond}
		if round == 1 {
			res.Errors, res.FirstError = 1, errors.New("GET 00: 500 Internal Server Error")
		}
		m.add("ours", res, true)
		m.add("peer", res, true)
		m.add("floor", res, true)
	}
	var out bytes.Buffer
	m.write(&out, []string{"ours", "peer", "floor"})
	got := out.String()
	for _, want := range []string{
		"| workload | unit | ours | peer | floor | ours/peer | ours/floor |",
		"| PUT 1 MiB | MiB/s | 2 (1–3) | 1 (0–2) | 4 (2–6) | 2.00× | 0.50× |",
		"| 9× GET 1 KiB | req/s | 10 (9–10) | 10 (9–10) | 10 (9–10) | 1.00× | 1.00× |",
		"| 9× GET 1 KiB | median of rounds | 1.00 / 2.00 | 1.00 / 2.00 | 1.00 / 2.00 |",
		"| PUT 1 MiB | after the phase | 10 (10–10) | 100 (100–100) | 5 (5–5) | 0.10× | 2.00× |",
		"| 9× GET 1 KiB | after the phase | – | – | – | – | – |", // not measured
		"- 9× GET 1 KiB, ours, round 2: 1 of 10 requests failed, first: GET 00: 500 Internal Server Error",
	} {
		assert.Contains(t, got, want)
	}
}

func TestParseFlags(t *testing.T) {
	t.Setenv("TURBOCACHE_TURBO", "")
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
		servers int
	}{
		{"all four", []string{"-ours", "s", "-floor", "f", "-peer", "p.js", "-turbo", "t"}, "", 4},
		{"no peer", []string{"-ours", "s", "-floor", "f", "-peer", "", "-turbo", "t"}, "", 3},
		{"no floor with fsync", []string{"-ours", "s", "-floor", "f", "-peer", "p.js", "-floor-fsync=false", "-turbo", "t"}, "", 3},
		{"no server", []string{"-floor", "f"}, "-ours is required", 0},
		{"no floor", []string{"-ours", "s"}, "-floor is required in the local mode", 0},
		{"unknown mode", []string{"-ours", "s", "-mode", "gcs"}, `-mode "gcs": want local, s3 or tier`, 0},
		{"s3 without versitygw", []string{"-ours", "s", "-mode", "s3", "-versitygw", ""}, "-versitygw (or $VERSITYGW_BIN) is required in the s3 mode", 0},
		{"s3 mode", []string{"-ours", "s", "-mode", "s3", "-versitygw", "v", "-turbo", "t"}, "", -1}, // TestS3Modes
		{"turbo workload without turbo", []string{"-ours", "s", "-floor", "f"}, "-turbo (or $TURBOCACHE_TURBO) is required by the turbo workload", 0},
		{"no turbo needed", []string{"-ours", "s", "-floor", "f", "-peer", "", "-workloads", "large,small-get"}, "", 3},
		{"no turbo runs", []string{"-ours", "s", "-floor", "f", "-turbo", "t", "-turbo-runs", "0"}, "-turbo-runs 0: want at least 1", 0},
		{"no rounds", []string{"-ours", "s", "-floor", "f", "-rounds", "0", "-turbo", "t"}, "want at least 1", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			cfg, err := parseFlags(tc.args, &stderr)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			if tc.servers >= 0 {
				assert.Len(t, cfg.servers(), tc.servers)
			}
		})
	}
}
