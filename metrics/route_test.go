package metrics_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
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
		send(t, tt.method, srv.URL+tt.path, "{}")
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

// TestClientCI checks that requests are counted by the CI vendor the
// client names, that a refused value is not counted under it, and that the
// label's values stay bounded however many vendors clients invent.
func TestClientCI(t *testing.T) {
	m, reg := newMetrics(t)
	h, err := httpapi.New(memstore.New(nil), nil)
	require.NoError(t, err)
	srv := httptest.NewServer(m.Handler(h))
	defer srv.Close()
	get := func(ci string) int {
		if ci == "" {
			return send(t, "GET", srv.URL+"/v8/artifacts/abc123?slug=web", "")
		}
		return send(t, "GET", srv.URL+"/v8/artifacts/abc123?slug=web", "", "x-artifact-client-ci", ci)
	}
	require.Equal(t, 404, get(""))
	require.Equal(t, 404, get("github-actions"))
	require.Equal(t, 404, get("github-actions"))
	require.Equal(t, 400, get(strings.Repeat("x", httpapi.MaxClientCILen+1)))
	for i := range 40 {
		require.Equal(t, 404, get(fmt.Sprintf("vendor-%02d", i)))
	}
	assert.Equal(t, 1.0+1, value(t, reg, "turbocache_http_client_ci_requests_total", "ci", "none"),
		"the request without the header, and the refused one")
	assert.Equal(t, 2.0, value(t, reg, "turbocache_http_client_ci_requests_total", "ci", "github-actions"))
	assert.Equal(t, 1.0, value(t, reg, "turbocache_http_client_ci_requests_total", "ci", "vendor-00"))
	assert.Equal(t, 9.0, value(t, reg, "turbocache_http_client_ci_requests_total", "ci", "other"),
		"vendors past the first 32")
}
