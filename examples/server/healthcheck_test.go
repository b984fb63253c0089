package main

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/syncbuf"
)

func TestHealthcheckURL(t *testing.T) {
	for _, tc := range []struct {
		host, port string
		tls        bool
		want       string
	}{
		{"", "3000", false, "http://127.0.0.1:3000/healthz"},
		{"0.0.0.0", "3000", false, "http://127.0.0.1:3000/healthz"},
		{"::", "8080", true, "https://[::1]:8080/healthz"},
		{"[::]", "8080", false, "http://[::1]:8080/healthz"},
		{"127.0.0.1", "1", false, "http://127.0.0.1:1/healthz"},
		{"cache.internal", "443", true, "https://cache.internal:443/healthz"},
	} {
		t.Run(tc.host+":"+tc.port, func(t *testing.T) {
			assert.Equal(t, tc.want, healthcheckURL(tc.host, tc.port, tc.tls))
		})
	}
}

// TestHealthcheck runs `turbocache healthcheck` against a server over HTTP
// and over HTTPS, and against a port where nothing listens.
func TestHealthcheck(t *testing.T) {
	plain := startServer(t, map[string]string{"TURBO_TOKEN": "t"})
	secure, pair := startTLSServer(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedPort := portOf(t, ln.Addr().String())
	require.NoError(t, ln.Close())

	for _, tc := range []struct {
		name string
		env  map[string]string
		code int
		msg  string
	}{
		{"http", map[string]string{"HOST": "0.0.0.0", "PORT": portOf(t, plain.URL)}, 0, ""},
		{"https", map[string]string{"PORT": portOf(t, secure.URL), "TLS_CERT_FILE": pair.CertFile}, 0, ""},
		{"http to the https port", map[string]string{"PORT": portOf(t, secure.URL)}, 1, "400 Bad Request"},
		{"nothing listening", map[string]string{"HOST": "127.0.0.1", "PORT": closedPort}, 1, "connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr syncbuf.Buffer
			code := healthcheck(t.Context(), func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }, &stderr)
			assert.Equal(t, tc.code, code, stderr.String())
			assert.Contains(t, stderr.String(), tc.msg)
		})
	}
}

func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(strings.TrimPrefix(strings.TrimPrefix(addr, "http://"), "https://"))
	require.NoError(t, err)
	return port
}
