package load_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/bench/internal/floor"
	"github.com/turbocache/turbocache/bench/internal/load"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// tiny scales the workloads down to a smoke run.
var tiny = load.Sizes{Large: 1 << 20, LargeRounds: 2, Parallel: 3, Small: 10 << 10, SmallGets: 40, SmallPuts: 20, Conns: 4}

const token = "s3cret"

func turbocache(t *testing.T) http.Handler {
	store, err := fsstore.Open(t.TempDir(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	auth, err := httpapi.NewTokenAuth(httpapi.Token{Secret: token})
	require.NoError(t, err)
	h, err := httpapi.New(store, &httpapi.Options{Auth: auth})
	require.NoError(t, err)
	return h
}

func floorServer(t *testing.T) http.Handler {
	h, err := floor.New(t.TempDir(), nil)
	require.NoError(t, err)
	return h
}

// TestWorkloads runs every workload, scaled down, against the handler over
// fsstore and against the floor server, and checks that every request
// succeeded and was counted.
func TestWorkloads(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler func(t *testing.T) http.Handler
	}{
		{"turbocache", turbocache},
		{"floor", floorServer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler(t))
			t.Cleanup(srv.Close)
			c := load.NewClient(load.Target{URL: srv.URL, Token: token}, tiny.Conns)
			t.Cleanup(c.Close)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var calls int
			probe := func() int64 { calls++; return int64(calls) }
			var names []string
			for _, w := range load.Workloads(tiny) {
				results, err := w.Run(ctx, c, probe)
				require.NoError(t, err, w.Name)
				for _, r := range results {
					names = append(names, r.Name)
					assert.Zero(t, r.Errors, "%s: %v", r.Name, r.FirstError)
					assert.Positive(t, r.Requests, r.Name)
					assert.Positive(t, r.Elapsed, r.Name)
					assert.Positive(t, r.PeakRSS, r.Name)
					assert.LessOrEqual(t, r.P50, r.P99, r.Name)
					assert.Positive(t, r.MiBps(), r.Name)
					assert.Positive(t, r.RPS(), r.Name)
				}
			}
			assert.Equal(t, []string{"PUT 1 MiB", "GET 1 MiB", "3× PUT 1 MiB", "3× GET 1 MiB",
				"40× GET 10 KiB", "20× PUT 10 KiB"}, names)
			assert.Equal(t, 5, calls, "one probe per workload, two for parallel")
		})
	}
}

// TestFailures checks that failed requests are counted, and that a GET
// whose body differs from the upload fails.
func TestFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		token   string
		handler func(h http.Handler) http.Handler
		wantErr string
	}{
		{"wrong token", "wrong", nil, "401"},
		{"altered body", token, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					w = &flipWriter{ResponseWriter: w}
				}
				h.ServeHTTP(w, r)
			})
		}, "SHA-256 differs"},
		{"short body", token, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					w.Header().Set("Content-Length", "10")
					w.WriteHeader(http.StatusOK)
					_, _ = w.Write([]byte("0123456789"))
					return
				}
				h.ServeHTTP(w, r)
			})
		}, "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := turbocache(t)
			if tc.handler != nil {
				h = tc.handler(h)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			c := load.NewClient(load.Target{URL: srv.URL, Token: tc.token}, tiny.Conns)
			t.Cleanup(c.Close)
			var large load.Workload
			for _, w := range load.Workloads(tiny) {
				if w.Name == "large" {
					large = w
				}
			}
			results, err := large.Run(context.Background(), c, nil)
			require.NoError(t, err)
			get := results[1]
			assert.Equal(t, tiny.LargeRounds, get.Errors, "every GET fails")
			require.Error(t, get.FirstError)
			assert.Contains(t, get.FirstError.Error(), tc.wantErr)
			assert.Zero(t, get.Bytes)
			assert.Contains(t, get.String(), "errors 2/2")
		})
	}
}

// flipWriter inverts the first byte of a response body.
type flipWriter struct {
	http.ResponseWriter
	done bool
}

func (f *flipWriter) Write(p []byte) (int, error) {
	if !f.done && len(p) > 0 {
		f.done = true
		q := append([]byte{^p[0]}, p[1:]...)
		return f.ResponseWriter.Write(q)
	}
	return f.ResponseWriter.Write(p)
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(5, 1, 3), 50, 3 * time.Millisecond},
		{"median of even, lower", ms(4, 1, 3, 2), 50, 2 * time.Millisecond},
		{"p99 of 100", ms(make([]int, 99)...), 99, 0},
		{"p99 is near the top", append(ms(make([]int, 98)...), ms(8, 9)...), 99, 8 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, load.Percentile(tc.in, tc.p))
		})
	}
}

func TestPeakRSS(t *testing.T) {
	rss, err := load.PeakRSS(os.Getpid())
	if _, statErr := os.Stat("/proc/self/status"); statErr != nil {
		require.Error(t, err)
		t.Skip("no /proc on this system")
	}
	require.NoError(t, err)
	assert.Greater(t, rss, int64(1<<20), "a Go test process uses more than 1 MiB")

	_, err = load.PeakRSS(1 << 30)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "process 1073741824"), err.Error())
}
