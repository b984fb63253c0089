package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/metrics"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// send makes a request, with header as name, value pairs, and returns the
// status of its answer, once the body is read.
func send(t *testing.T, method, url, body string, header ...string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func newMetrics(t *testing.T) (*metrics.Metrics, *prometheus.Registry) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	require.NoError(t, err)
	return m, reg
}

func TestStoreKeepsTheContract(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		m, _ := newMetrics(t)
		return m.Store(memstore.New(nil))
	})
}

// failing is a store whose every operation fails.
type failing struct{ storage.Store }

var errBackend = errors.New("backend down")

func (failing) Get(context.Context, string) (io.ReadCloser, storage.Info, error) {
	return nil, storage.Info{}, errBackend
}

func TestHandlerAndStore(t *testing.T) {
	m, reg := newMetrics(t)
	h, err := httpapi.New(m.Store(memstore.New(nil)), &httpapi.Options{OnEvents: m.Events})
	require.NoError(t, err)
	srv := httptest.NewServer(http.StripPrefix("/cache", m.Handler(h)))
	defer srv.Close()

	do := func(method, path, body string) int { return send(t, method, srv.URL+"/cache"+path, body) }
	require.Equal(t, 404, do("GET", "/v8/artifacts/abc123?slug=web", ""))
	require.Equal(t, 202, do("PUT", "/v8/artifacts/abc123?slug=web", "0123456789"))
	require.Equal(t, 200, do("GET", "/v8/artifacts/abc123?slug=web", ""))
	require.Equal(t, 200, do("GET", "/v8/artifacts/abc123?slug=web", ""))
	require.Equal(t, 200, do("GET", "/v8/artifacts/status", ""))
	require.Equal(t, 200, do("POST", "/v8/artifacts/events?slug=web",
		`[{"sessionId":"0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b","source":"REMOTE","event":"HIT","hash":"abc123","duration":5},
		  {"sessionId":"0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b","source":"LOCAL","event":"MISS","hash":"abc124","duration":0}]`))

	assert.Equal(t, 2.0, value(t, reg, "turbocache_lookups_total", "result", "hit"))
	assert.Equal(t, 1.0, value(t, reg, "turbocache_lookups_total", "result", "miss"))
	expected := `
# HELP turbocache_http_requests_total HTTP requests answered, by route, method and status code.
# TYPE turbocache_http_requests_total counter
turbocache_http_requests_total{code="200",method="GET",route="artifact"} 2
turbocache_http_requests_total{code="200",method="GET",route="status"} 1
turbocache_http_requests_total{code="200",method="POST",route="events"} 1
turbocache_http_requests_total{code="202",method="PUT",route="artifact"} 1
turbocache_http_requests_total{code="404",method="GET",route="artifact"} 1
# HELP turbocache_client_cache_events_total Cache events turbo reported after its runs, by source (LOCAL, REMOTE) and event (HIT, MISS).
# TYPE turbocache_client_cache_events_total counter
turbocache_client_cache_events_total{event="HIT",source="LOCAL"} 0
turbocache_client_cache_events_total{event="HIT",source="REMOTE"} 1
turbocache_client_cache_events_total{event="MISS",source="LOCAL"} 1
turbocache_client_cache_events_total{event="MISS",source="REMOTE"} 0
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(expected),
		"turbocache_http_requests_total", "turbocache_client_cache_events_total"))

	upload, download := bytesCounted(t, reg)
	assert.Equal(t, 10.0+float64(len(`[{"sessionId":"0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b","source":"REMOTE","event":"HIT","hash":"abc123","duration":5},
		  {"sessionId":"0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b","source":"LOCAL","event":"MISS","hash":"abc124","duration":0}]`)), upload)
	assert.GreaterOrEqual(t, download, 20.0, "two 10-byte downloads")
	assert.Zero(t, testutil.CollectAndCount(reg, "turbocache_store_errors_total"), "a miss is not a store error")
}

func bytesCounted(t *testing.T, reg *prometheus.Registry) (in, out float64) {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		for _, mtr := range f.GetMetric() {
			switch f.GetName() {
			case "turbocache_http_request_body_bytes_total":
				in += mtr.GetCounter().GetValue()
			case "turbocache_http_response_body_bytes_total":
				if labelIs(mtr.GetLabel(), "route", "artifact") {
					out += mtr.GetCounter().GetValue()
				}
			}
		}
	}
	return in, out
}

func TestStoreErrors(t *testing.T) {
	m, reg := newMetrics(t)
	s := m.Store(failing{memstore.New(nil)})
	_, _, err := s.Get(context.Background(), "team/x")
	require.ErrorIs(t, err, errBackend)
	assert.Equal(t, 1.0, value(t, reg, "turbocache_store_errors_total", "op", "get"))
	assert.Equal(t, 0.0, value(t, reg, "turbocache_lookups_total", "result", "miss"),
		"a failure is not a miss")
	_, isLister := s.(storage.Lister)
	assert.False(t, isLister, "failing hides memstore's List, so the wrapper must not claim one")
}

func TestSweep(t *testing.T) {
	m, reg := newMetrics(t)
	end := time.Unix(1_800_000_000, 0)
	m.Sweep(3, nil, end)
	m.Sweep(1, errBackend, end.Add(time.Hour))
	expected := `
# HELP turbocache_sweep_removed_artifacts_total Artifacts removed by expiry sweeps.
# TYPE turbocache_sweep_removed_artifacts_total counter
turbocache_sweep_removed_artifacts_total 4
# HELP turbocache_sweep_last_success_timestamp_seconds When the last sweep that succeeded ended, in seconds since the Unix epoch.
# TYPE turbocache_sweep_last_success_timestamp_seconds gauge
turbocache_sweep_last_success_timestamp_seconds 1.8e+09
# HELP turbocache_sweeps_total Expiry sweeps run, by result: ok or error.
# TYPE turbocache_sweeps_total counter
turbocache_sweeps_total{result="error"} 1
turbocache_sweeps_total{result="ok"} 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(expected),
		"turbocache_sweep_removed_artifacts_total", "turbocache_sweep_last_success_timestamp_seconds", "turbocache_sweeps_total"))
}

func TestRegisterTwice(t *testing.T) {
	reg := prometheus.NewRegistry()
	_, err := metrics.New(reg)
	require.NoError(t, err)
	_, err = metrics.New(reg)
	assert.Error(t, err, "registering the same collectors twice")
}

// value returns the value of the counter or gauge name whose label has the
// given value (any series, when label is empty).
func value(t *testing.T, reg *prometheus.Registry, name, label, want string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, mtr := range f.GetMetric() {
			if label == "" || labelIs(mtr.GetLabel(), label, want) {
				return mtr.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no series %s{%s=%q}", name, label, want)
	return 0
}

func labelIs(labels []*dto.LabelPair, name, value string) bool {
	for _, l := range labels {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}
