package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/nxapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

func TestNx(t *testing.T) {
	m, reg := newMetrics(t)
	store := m.Store(memstore.New(nil))
	_, isCreator := store.(storage.Creator)
	require.True(t, isCreator, "the wrapper hides memstore's Create")
	nx, err := nxapi.New(store, &nxapi.Options{OnLookup: m.NxLookup})
	require.NoError(t, err)
	broken, err := nxapi.New(m.Store(failing{memstore.New(nil)}), &nxapi.Options{OnLookup: m.NxLookup})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/nx/", http.StripPrefix("/nx", m.Handler(nx)))
	mux.Handle("/broken/", http.StripPrefix("/broken", m.Handler(broken)))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	do := func(method, path, body string) int { return send(t, method, srv.URL+path, body) }
	require.Equal(t, 404, do("GET", "/nx/v1/cache/123", ""))
	require.Equal(t, 200, do("PUT", "/nx/v1/cache/123", "0123456789"))
	require.Equal(t, 409, do("PUT", "/nx/v1/cache/123", "0123456789"))
	require.Equal(t, 200, do("GET", "/nx/v1/cache/123", ""))
	require.Equal(t, 404, do("GET", "/broken/v1/cache/123", ""), "a store failure is a miss by default")

	expected := `
# HELP turbocache_http_requests_total HTTP requests answered, by route, method and status code.
# TYPE turbocache_http_requests_total counter
turbocache_http_requests_total{code="200",method="GET",route="nx_artifact"} 1
turbocache_http_requests_total{code="200",method="PUT",route="nx_artifact"} 1
turbocache_http_requests_total{code="404",method="GET",route="nx_artifact"} 2
turbocache_http_requests_total{code="409",method="PUT",route="nx_artifact"} 1
# HELP turbocache_nx_lookups_total Downloads of Nx records, by result: hit, miss, or error (the store failed).
# TYPE turbocache_nx_lookups_total counter
turbocache_nx_lookups_total{result="error"} 1
turbocache_nx_lookups_total{result="hit"} 1
turbocache_nx_lookups_total{result="miss"} 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(expected),
		"turbocache_http_requests_total", "turbocache_nx_lookups_total"))
	assert.Equal(t, 1.0, value(t, reg, "turbocache_store_errors_total", "op", "get"), "the broken store's failure")
	assert.Equal(t, 1, testutil.CollectAndCount(reg, "turbocache_store_errors_total"),
		"store error series: a record that exists (create) is no store error")
}
