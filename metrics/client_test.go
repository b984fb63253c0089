package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

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
		req, err := http.NewRequest("GET", srv.URL+"/v8/artifacts/abc123?slug=web", nil)
		require.NoError(t, err)
		if ci != "" {
			req.Header.Set("x-artifact-client-ci", ci)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
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
