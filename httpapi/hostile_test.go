package httpapi_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

// rawRequest sends one request line, exactly as given, over a new
// connection, and returns the response.
func rawRequest(t *testing.T, addr, method, target, body string) *http.Response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/octet-stream\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		method, target, addr, testToken, len(body), body)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// TestHostileNames sends hashes and teams that try to leave their namespace
// over a real connection, and checks that each gets a 4xx and that nothing
// is written anywhere.
func TestHostileNames(t *testing.T) {
	store := memstore.New(nil)
	auth, err := httpapi.NewTokenAuth(httpapi.Token{Secret: testToken})
	require.NoError(t, err)
	h, err := httpapi.New(store, &httpapi.Options{Auth: auth})
	require.NoError(t, err)
	// Served at the root of a server, the handler sees every path as sent.
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	// Mounted below a prefix on a ServeMux, as services do; the mux
	// redirects paths with dot segments before the handler sees them.
	mux := http.NewServeMux()
	mux.Handle("/cache/", http.StripPrefix("/cache", h))
	muxSrv := httptest.NewServer(mux)
	t.Cleanup(muxSrv.Close)
	muxAddr := muxSrv.Listener.Addr().String()

	long := strings.Repeat("a", 300)
	hostile := []string{
		"..%2F..%2Fx", "..%2f..%2fteam_b%2f" + hashA, "%2e%2e", "%2E%2E%2F" + hashA, ".", "..",
		"a%2Fb", "a%00b", "%00", "a%5Cb", long, "", "%20", "0123%2F4567", "ab%252F", "abc;x",
	}
	for _, hash := range hostile {
		for _, method := range []string{"PUT", "GET"} {
			target := "/v8/artifacts/" + hash + "?slug=team_a"
			t.Run(method+" hash "+hash, func(t *testing.T) {
				resp := rawRequest(t, addr, method, target, "evil")
				assert.GreaterOrEqual(t, resp.StatusCode, 400)
				assert.Less(t, resp.StatusCode, 500)
				resp = rawRequest(t, muxAddr, method, "/cache"+target, "evil")
				assert.False(t, resp.StatusCode >= 200 && resp.StatusCode < 300, "status %d", resp.StatusCode)
			})
		}
	}
	for _, team := range hostile {
		for _, param := range []string{"slug", "teamId"} {
			target := "/v8/artifacts/" + hashA + "?" + param + "=" + team
			t.Run("PUT "+param+" "+team, func(t *testing.T) {
				resp := rawRequest(t, addr, "PUT", target, "evil")
				assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
				resp = rawRequest(t, muxAddr, "PUT", "/cache"+target, "evil")
				assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			})
		}
	}
	// Dot segments in the path itself: whatever the mux makes of them,
	// nothing may be written.
	for _, target := range []string{
		"/v8/artifacts/../artifacts/" + hashA + "?slug=team_a",
		"/v8/artifacts/%2e%2e/" + hashA + "?slug=team_a",
		"/v8/artifacts/" + hashA + "/..?slug=team_a",
		"/v8/artifacts//" + hashA + "?slug=team_a",
		"/v8/../v8/artifacts/" + hashA + "?slug=team_a",
	} {
		t.Run("PUT "+target, func(t *testing.T) {
			for _, a := range []string{addr, muxAddr + "/cache"} {
				host, prefix, _ := strings.Cut(a, "/")
				if prefix != "" {
					prefix = "/" + prefix
				}
				resp := rawRequest(t, host, "PUT", prefix+target, "evil")
				assert.False(t, resp.StatusCode >= 200 && resp.StatusCode < 300, "status %d", resp.StatusCode)
			}
		})
	}
	assert.Empty(t, keys(t, store), "hostile requests wrote to the store")

	// The same handler still works for honest requests.
	resp := rawRequest(t, muxAddr, "PUT", "/cache/v8/artifacts/"+hashA+"?slug=team_a", "fine")
	assert.Equal(t, http.StatusAccepted, resp.StatusCode)
	assert.Equal(t, []string{"team_a/" + hashA}, keys(t, store))
}
