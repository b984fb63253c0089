package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/syncbuf"
)

// server is a server started by a test.
type server struct {
	URL            string
	cfg            config
	stdout, stderr *syncbuf.Buffer
	stop           context.CancelFunc
	done           chan error
}

// startServer runs serve on a free loopback port with env as its whole
// environment (STORAGE_DIR defaults to a temporary directory, and
// ALLOW_SHORT_TOKENS to true so that tests can use short tokens), and stops
// it at the end of the test, checking that it shuts down cleanly.
func startServer(t *testing.T, env map[string]string) *server {
	t.Helper()
	s := &server{stdout: &syncbuf.Buffer{}}
	return s.start(t, env, s.stdout)
}

// startServerInTerminal is startServer with standard output on a
// terminal, whose output s.stdout collects.
func startServerInTerminal(t *testing.T, env map[string]string) *server {
	t.Helper()
	term, reader := openTerminal(t)
	s := &server{stdout: &syncbuf.Buffer{}}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		b := make([]byte, 4096)
		for {
			n, err := reader.Read(b)
			s.stdout.Write(bytes.ReplaceAll(b[:n], []byte("\r"), nil)) // the terminal writes \r\n
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { term.Close(); reader.Close(); <-copied })
	return s.start(t, env, term)
}

func (s *server) start(t *testing.T, env map[string]string, stdout io.Writer) *server {
	t.Helper()
	full := map[string]string{"STORAGE_DIR": t.TempDir(), "ALLOW_SHORT_TOKENS": "true"}
	for k, v := range env {
		full[k] = v
	}
	cfg, err := loadConfig(func(k string) (string, bool) { v, ok := full[k]; return v, ok })
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	s.URL, s.cfg, s.stderr, s.stop, s.done = "http://"+ln.Addr().String(), cfg, &syncbuf.Buffer{}, cancel, make(chan error, 1)
	go func() { s.done <- serve(ctx, cfg, ln, stdout, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-s.done:
			assert.NoError(t, err, "shutdown")
		case <-time.After(30 * time.Second):
			t.Error("the server did not shut down")
		}
	})
	require.Eventually(t, func() bool { return strings.Contains(s.stderr.String(), "serving") },
		10*time.Second, 5*time.Millisecond, "the server did not start: %s", s.stderr)
	return s
}

// do sends one request and returns the status code and body.
func (s *server) do(t *testing.T, method, path, token, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b), resp.Header
}

func TestServe(t *testing.T) {
	s := startServerInTerminal(t, nil)
	token := s.cfg.Tokens[0]

	code, body, _ := s.do(t, "GET", "/v8/artifacts/status", token, "")
	assert.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"status":"enabled"}`, body)

	code, _, _ = s.do(t, "GET", "/v8/artifacts/status", "", "")
	assert.Equal(t, http.StatusUnauthorized, code, "a request without the token")

	require.Eventually(t, func() bool { return strings.Contains(s.stdout.String(), "--team=my-team") },
		5*time.Second, 5*time.Millisecond, "the banner")
	out := s.stdout.String()
	assert.Contains(t, out, "turbo run build --api="+s.URL+" --token="+token+" --team=my-team")
	assert.Equal(t, 1, strings.Count(out, token+"\n"), "the token is printed once")
	assert.NotContains(t, s.stderr.String(), token, "the token is not logged")
}

func TestHealthAndReady(t *testing.T) {
	s := startServer(t, map[string]string{"TURBO_TOKEN": "t"})
	code, body, _ := s.do(t, "GET", "/healthz", "", "")
	assert.Equal(t, 200, code)
	assert.Equal(t, "ok\n", body)
	code, body, _ = s.do(t, "GET", "/readyz", "", "")
	assert.Equal(t, 200, code)
	assert.Equal(t, "ready\n", body)
	code, _, _ = s.do(t, "GET", "/nowhere", "", "")
	assert.Equal(t, 404, code)
}

func TestRequestIDs(t *testing.T) {
	s := startServer(t, map[string]string{"TURBO_TOKEN": "t", "LOG_FORMAT": "json"})
	_, _, h := s.do(t, "GET", "/v8/artifacts/status", "t", "")
	id := h.Get("X-Request-Id")
	assert.Len(t, id, 16, "a generated request ID")
	assert.Contains(t, s.stderr.String(), `"request_id":"`+id+`"`)

	req, err := http.NewRequest("GET", s.URL+"/v8/artifacts/0123abcd?slug=web", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("X-Request-Id", "from-the-client_1")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "from-the-client_1", resp.Header.Get("X-Request-Id"), "a client's request ID is kept")
	assert.Contains(t, s.stderr.String(), `"request_id":"from-the-client_1"`)
	assert.Contains(t, s.stderr.String(), `"path":"/v8/artifacts/0123abcd"`)

	req.Header.Set("X-Request-Id", "bad id: spaces and a colon")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Len(t, resp.Header.Get("X-Request-Id"), 16, "an invalid request ID is replaced")
}

func TestMaxArtifactSize(t *testing.T) {
	s := startServer(t, map[string]string{"TURBO_TOKEN": "t", "MAX_ARTIFACT_SIZE": "1KiB"})
	code, _, _ := s.do(t, "PUT", "/v8/artifacts/abcd?slug=web", "t", strings.Repeat("x", 1025))
	assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	code, _, _ = s.do(t, "PUT", "/v8/artifacts/abcd?slug=web", "t", strings.Repeat("x", 1024))
	assert.Equal(t, http.StatusAccepted, code)
}

// TestGracefulShutdown stops the server while an upload is in progress: the
// upload completes and is stored, and new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	s := startServer(t, map[string]string{"TURBO_TOKEN": "t"})
	const size = 1 << 20
	pr, pw := io.Pipe()
	req, err := http.NewRequest("PUT", s.URL+"/v8/artifacts/abcdef?slug=web", pr)
	require.NoError(t, err)
	req.ContentLength = size
	req.Header.Set("Authorization", "Bearer t")
	answer := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answer <- -1
			return
		}
		resp.Body.Close()
		answer <- resp.StatusCode
	}()
	_, err = pw.Write(make([]byte, size/2))
	require.NoError(t, err)
	// The upload is in progress on the server once its temporary file
	// exists; only then is the connection one that shutdown waits for.
	require.Eventually(t, func() bool {
		matches, _ := filepath.Glob(filepath.Join(s.cfg.Storage.Dir, "web", "abcdef~*"))
		return len(matches) > 0
	}, 5*time.Second, 5*time.Millisecond, "the upload never reached the store")

	s.stop() // as SIGTERM does
	require.Eventually(t, func() bool { return strings.Contains(s.stderr.String(), "shutting down") },
		5*time.Second, 5*time.Millisecond)
	_, err = pw.Write(make([]byte, size/2))
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	assert.Equal(t, http.StatusAccepted, <-answer, "the upload in progress finished")
	require.NoError(t, <-s.done)
	s.done <- nil // for the cleanup's check

	// What the server stored is there after it stopped.
	s2 := startServer(t, map[string]string{"TURBO_TOKEN": "t", "STORAGE_DIR": s.cfg.Storage.Dir})
	code, body, _ := s2.do(t, "GET", "/v8/artifacts/abcdef?slug=web", "t", "")
	assert.Equal(t, 200, code)
	assert.Len(t, body, size)
}
