package floor_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/bench/internal/floor"
)

func TestHandler(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts *floor.Options
	}{
		{"defaults", nil},
		{"fsync", &floor.Options{Sync: true}},
	} {
		t.Run(tc.name, func(t *testing.T) { testHandler(t, tc.opts) })
	}
}

func testHandler(t *testing.T, opts *floor.Options) {
	dir := t.TempDir()
	h, err := floor.New(dir, opts)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	do := func(method, path, body string) (int, string) {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		if body == "" {
			req.Body = nil
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}

	for _, tc := range []struct {
		name, method, path, body string
		wantStatus               int
		wantBody                 string
	}{
		{"miss", "GET", "/v8/artifacts/abc", "", http.StatusNotFound, ""},
		{"put", "PUT", "/v8/artifacts/abc?slug=x", "hello", http.StatusAccepted, ""},
		{"hit", "GET", "/v8/artifacts/abc?slug=x", "", http.StatusOK, "hello"},
		{"overwrite", "PUT", "/v8/artifacts/abc", "bye", http.StatusAccepted, ""},
		{"hit after overwrite", "GET", "/v8/artifacts/abc", "", http.StatusOK, "bye"},
		{"not a hash", "GET", "/v8/artifacts/..%2Fetc", "", http.StatusNotFound, ""},
		{"other path", "GET", "/v2/user", "", http.StatusNotFound, ""},
		{"other method", "DELETE", "/v8/artifacts/abc", "", http.StatusMethodNotAllowed, ""},
		{"status", "GET", "/v8/artifacts/status?slug=x", "", http.StatusOK, `{"status":"enabled"}`},
		{"events", "POST", "/v8/artifacts/events", `[{"event":"HIT"}]`, http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(tc.method, tc.path, tc.body)
			assert.Equal(t, tc.wantStatus, status)
			if tc.wantBody != "" {
				assert.Equal(t, tc.wantBody, body)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
	assert.Equal(t, "abc", entries[0].Name())
}

func TestNew(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	for _, tc := range []struct{ name, dir, wantErr string }{
		{"missing", filepath.Join(t.TempDir(), "missing"), "no such file"},
		{"a file", file, "not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := floor.New(tc.dir, nil)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
