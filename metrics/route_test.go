package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

// TestRouteIsTheHandlers checks that the route label is the one the
// protocol handler chose, wherever it is mounted, and "other" for what no
// protocol handler served.
func TestRouteIsTheHandlers(t *testing.T) {
	m, reg := newMetrics(t)
	h, err := httpapi.New(memstore.New(nil), nil)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/deep/mount/", m.Handler(http.StripPrefix("/deep/mount", h)))
	mux.Handle("/health", m.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, tt := range []struct{ method, path string }{
		{"POST", "/deep/mount/v8/artifacts?slug=web"},
		{"GET", "/deep/mount/v8/artifacts/status"},
		{"GET", "/deep/mount/v8/artifacts/abc123?slug=web"},
		{"GET", "/deep/mount/elsewhere"},
		{"GET", "/health"},
	} {
		req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader("{}"))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	expected := `
# HELP turbocache_http_requests_total HTTP requests answered, by route, method and status code.
# TYPE turbocache_http_requests_total counter
turbocache_http_requests_total{code="200",method="GET",route="status"} 1
turbocache_http_requests_total{code="200",method="POST",route="query"} 1
turbocache_http_requests_total{code="204",method="GET",route="other"} 1
turbocache_http_requests_total{code="404",method="GET",route="artifact"} 1
turbocache_http_requests_total{code="404",method="GET",route="other"} 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(expected), "turbocache_http_requests_total"))
}
