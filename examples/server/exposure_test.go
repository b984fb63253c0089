package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/syncbuf"
)

// exposedListener is a loopback listener that says it listens on every
// address, as one on 0.0.0.0 does, so that tests see what the server does
// beyond loopback without leaving it.
type exposedListener struct{ net.Listener }

func (l exposedListener) Addr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4zero, Port: l.Listener.Addr().(*net.TCPAddr).Port}
}

// serveExposed runs serve with env on an exposedListener and stdout, and
// returns what it logged, and serve's error if it ends within a second.
func serveExposed(t *testing.T, env map[string]string, stdout *os.File) (string, error) {
	t.Helper()
	full := map[string]string{"STORAGE_DIR": t.TempDir()}
	for k, v := range env {
		full[k] = v
	}
	cfg, err := loadConfig(lookup(full))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, exposedListener{ln}, stdout, stderr) }()
	select {
	case err := <-done:
		return stderr.String(), err
	case <-time.After(time.Second):
	}
	require.Contains(t, stderr.String(), "serving")
	cancel()
	require.NoError(t, <-done)
	return stderr.String(), nil
}

// TestGeneratedTokenNotLogged starts the server without a token and with
// standard output not a terminal (a pipe, as under Docker or systemd): the
// generated token is not written anywhere, and the log says how to set one.
func TestGeneratedTokenNotLogged(t *testing.T) {
	s := startServer(t, nil)
	token := s.cfg.Tokens[0]
	require.Eventually(t, func() bool { return strings.Contains(s.stderr.String(), "TURBO_TOKEN") },
		5*time.Second, 5*time.Millisecond, "no hint in %s", s.stderr)
	assert.Contains(t, s.stderr.String(), "not shown")
	assert.NotContains(t, s.stdout.String()+s.stderr.String(), token, "the generated token in the output")
	assert.Empty(t, s.stdout.String())
}

// TestBeyondLoopback starts the server on an address other machines reach.
// Without a configured token and without a terminal it refuses to start;
// with a token it starts and warns once that it serves without TLS.
func TestBeyondLoopback(t *testing.T) {
	pipeR, pipeW, err := os.Pipe()
	require.NoError(t, err)
	defer pipeR.Close()
	defer pipeW.Close()

	_, err = serveExposed(t, nil, pipeW)
	require.ErrorIs(t, err, errNoToken)
	assert.Contains(t, err.Error(), "set TURBO_TOKEN")

	term, reader := openTerminal(t)
	defer reader.Close()
	defer term.Close()
	logs, err := serveExposed(t, nil, term)
	require.NoError(t, err, "a generated token shown on a terminal")
	assert.Equal(t, 1, strings.Count(logs, "without TLS"), "the TLS warning: %s", logs)

	logs, err = serveExposed(t, map[string]string{"TURBO_TOKEN": "a-token-of-24-characters"}, pipeW)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(logs, "serving beyond loopback without TLS"), "the TLS warning: %s", logs)
	assert.NotContains(t, logs, "a-token-of-24-characters")
}

// TestLoopbackNoTLSWarning checks that a server on loopback does not warn
// about TLS.
func TestLoopbackNoTLSWarning(t *testing.T) {
	s := startServer(t, map[string]string{"TURBO_TOKEN": "t"})
	assert.NotContains(t, s.stderr.String(), "without TLS")
}

func TestMetricsToken(t *testing.T) {
	const metricsToken = "metrics-token-of-25-chars"
	s := startServer(t, map[string]string{"TURBO_TOKEN": "cache-token-of-23-chars", "METRICS_TOKEN": metricsToken})
	for _, tc := range []struct {
		name, path, token string
		want              int
	}{
		{"no token", "/metrics", "", http.StatusUnauthorized},
		{"the cache's token", "/metrics", "cache-token-of-23-chars", http.StatusUnauthorized},
		{"a prefix", "/metrics", metricsToken[:10], http.StatusUnauthorized},
		{"the metrics token", "/metrics", metricsToken, http.StatusOK},
		{"healthz stays open", "/healthz", "", http.StatusOK},
		{"readyz stays open", "/readyz", "", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, h := s.do(t, "GET", tc.path, tc.token, "")
			assert.Equal(t, tc.want, code, body)
			if tc.want == http.StatusUnauthorized {
				assert.NotContains(t, body, "turbocache_", "metrics without the token")
				assert.Contains(t, h.Get("WWW-Authenticate"), "Bearer")
			}
		})
	}
	assert.NotContains(t, s.stderr.String(), "metrics are open")
	assert.NotContains(t, s.stderr.String(), metricsToken)

	open := startServer(t, map[string]string{"TURBO_TOKEN": "t"})
	code, _, _ := open.do(t, "GET", "/metrics", "", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, 1, strings.Count(open.stderr.String(), "metrics are open"), "the log at start")
}

// TestTokenFilePermissions checks the warning for a token file that users
// other than its owner can read.
func TestTokenFilePermissions(t *testing.T) {
	for _, tc := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o400, false}, {0o640, true}, {0o644, true}, {0o604, true}} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			file := writeTokenFile(t, "a-token-of-24-characters ro\n")
			require.NoError(t, os.Chmod(file, tc.mode))
			s := startServer(t, map[string]string{"TURBO_TOKEN_FILE": file})
			assert.Equal(t, tc.warn, strings.Contains(s.stderr.String(), "other users"), "%s", s.stderr)
		})
	}
}
