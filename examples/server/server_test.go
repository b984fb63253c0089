package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/turbotest"
	"github.com/turbocache/turbocache/storage/fsstore"
)

func TestLoadConfig(t *testing.T) {
	cache, err := os.UserCacheDir()
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    config
		wantErr string
	}{
		{"defaults", nil, config{Host: "127.0.0.1", Port: "3000",
			StorageDir: filepath.Join(cache, "turbocache", "artifacts"), TokenGenerated: true}, ""},
		{"everything set", map[string]string{"HOST": "0.0.0.0", "PORT": "8080", "STORAGE_DIR": "/srv/cache", "TURBO_TOKEN": "t0k"},
			config{Host: "0.0.0.0", Port: "8080", StorageDir: "/srv/cache", Token: "t0k"}, ""},
		{"bad port", map[string]string{"PORT": "http"}, config{}, `PORT="http" is not a TCP port number`},
		{"port out of range", map[string]string{"PORT": "70000"}, config{}, "not a TCP port number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			if tc.want.TokenGenerated {
				assert.Len(t, cfg.Token, 26, "a generated token")
				tc.want.Token = cfg.Token
			}
			assert.Equal(t, tc.want, cfg)
		})
	}
}

// syncBuffer collects output written from other goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs serve on a free loopback port with the default
// configuration except for the storage directory, and stops it at the end of
// the test, checking that it shuts down cleanly.
func startServer(t *testing.T) (url string, cfg config, stdout *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := loadConfig(func(k string) string {
		if k == "STORAGE_DIR" {
			return dir
		}
		return ""
	})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &syncBuffer{}
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, cfg, ln, stdout, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-errc:
			assert.NoError(t, err, "shutdown")
		case <-time.After(shutdownGrace + 5*time.Second):
			t.Error("the server did not shut down")
		}
	})
	// The banner is printed before serving starts.
	require.Eventually(t, func() bool { return stdout.String() != "" }, 10*time.Second, 5*time.Millisecond)
	return "http://" + ln.Addr().String(), cfg, stdout
}

func TestServe(t *testing.T) {
	url, cfg, stdout := startServer(t)
	token := cfg.Token

	req, err := http.NewRequest("GET", url+"/v8/artifacts/status", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"status":"enabled"}`, string(body))

	resp, err = http.Get(url + "/v8/artifacts/status")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a request without the token")

	assert.Contains(t, stdout.String(), "turbo run build --api="+url+" --token="+token+" --team=my-team")
	assert.Equal(t, 1, bytes.Count([]byte(stdout.String()), []byte(token+"\n")), "the token is printed once")
}

// TestServeTurbo follows the printed command line with the real turbo CLI:
// the second run is a full remote hit.
func TestServeTurbo(t *testing.T) {
	repo := turbotest.NewRepo(t, nil)
	url, cfg, stdout := startServer(t)
	m := regexp.MustCompile(`--api=(\S+) --token=(\S+) --team=(\S+)`).FindStringSubmatch(stdout.String())
	require.NotNil(t, m, "no command line in %q", stdout.String())
	run := turbotest.RunOptions{API: m[1], Token: m[2], Team: m[3]}
	require.Equal(t, url, run.API)
	first := repo.Run(t, run)
	first.RequireAllMisses(t)

	// What the server stored, read through a second store on its directory.
	store, err := fsstore.Open(cfg.StorageDir, nil)
	require.NoError(t, err)
	defer store.Close()
	durations := map[string]int64{}
	for _, task := range first.Summary.Tasks {
		info, err := store.Stat(t.Context(), run.Team+"/"+task.Hash)
		require.NoError(t, err, "task %s was not uploaded", task.TaskID)
		durations[task.Hash] = info.Duration.Milliseconds()
	}
	repo.Run(t, run).RequireFullRemoteHit(t, durations)
}
