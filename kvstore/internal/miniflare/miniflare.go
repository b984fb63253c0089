// Package miniflare runs, for tests, the Worker in this directory under
// Miniflare (Cloudflare's local Workers runtime and KV engine), which serves
// the Workers KV REST routes over a real KV binding.
//
// Miniflare is found through the environment variable TURBOCACHE_MINIFLARE
// (set by the CI script's install step), else in the tools cache where that
// step installs it. When it is missing, tests skip, unless
// TURBOCACHE_REQUIRE_SERVERS=1, when they fail.
package miniflare

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/turbocache/turbocache/internal/syncbuf"
)

// Version is the Miniflare release the Worker is tested with.
const Version = "4.20260426.0"

// Server is a running Miniflare serving the KV REST routes.
type Server struct {
	// URL is the API's base, for kvstore.Config.BaseURL.
	URL string
	// AccountID, NamespaceID and Token are the values it accepts.
	AccountID, NamespaceID, Token string
}

// Start starts Miniflare for tb and stops it when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	dir := find(tb)
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable(tb, "node is not on PATH")
	}
	_, self, _, _ := runtime.Caller(0)
	s := &Server{AccountID: "account", NamespaceID: "namespace", Token: "miniflare-token"}

	cmd := exec.Command(node, filepath.Join(filepath.Dir(self), "serve.mjs"))
	cmd.Env = append(os.Environ(), "TURBOCACHE_MINIFLARE="+dir,
		"KV_ACCOUNT="+s.AccountID, "KV_NAMESPACE="+s.NamespaceID, "KV_TOKEN="+s.Token)
	cmd.Dir = tb.TempDir()
	setProcessGroup(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr syncbuf.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start miniflare: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	tb.Cleanup(func() {
		stdin.Close() // serve.mjs disposes of Miniflare and exits
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			killProcessGroup(cmd)
			<-exited
		}
	})

	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
	}()
	select {
	case line := <-lines:
		if !strings.HasPrefix(line, "http://") {
			tb.Fatalf("miniflare did not start: printed %q; stderr:\n%s", line, stderr.String())
		}
		s.URL = line
	case <-time.After(60 * time.Second):
		tb.Fatalf("miniflare did not start within 60 s; stderr:\n%s", stderr.String())
	}
	return s
}

// find returns the directory that holds node_modules/miniflare.
func find(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("TURBOCACHE_MINIFLARE"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "miniflare", "package.json")); err != nil {
			tb.Fatalf("TURBOCACHE_MINIFLARE=%s holds no miniflare: %v", dir, err)
		}
		return dir
	}
	tools := os.Getenv("TURBOCACHE_TOOLS")
	if tools == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache")
		}
		tools = filepath.Join(cache, "turbocache", "tools")
	}
	dir := filepath.Join(tools, "miniflare-"+Version)
	if _, err := os.Stat(filepath.Join(dir, ".installed")); err != nil {
		unavailable(tb, "miniflare is not installed (run .ci/install-miniflare and eval its output)")
	}
	return dir
}

func unavailable(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("TURBOCACHE_REQUIRE_SERVERS") == "1" {
		tb.Fatalf("%s, and TURBOCACHE_REQUIRE_SERVERS=1", why)
	}
	tb.Skip(why)
}

// Reset deletes every key of the namespace, through the REST routes.
func (s *Server) Reset(ctx context.Context) error {
	base := s.URL + "/accounts/" + s.AccountID + "/storage/kv/namespaces/" + s.NamespaceID
	for {
		var list struct {
			Success bool `json:"success"`
			Result  []struct {
				Name string `json:"name"`
			} `json:"result"`
		}
		if err := s.do(ctx, http.MethodGet, base+"/keys?"+url.Values{"limit": {"1000"}}.Encode(), nil, &list); err != nil {
			return err
		}
		if len(list.Result) == 0 {
			return nil
		}
		names := make([]string, len(list.Result))
		for i, k := range list.Result {
			names[i] = k.Name
		}
		body, _ := json.Marshal(names)
		if err := s.do(ctx, http.MethodPost, base+"/bulk/delete", body, nil); err != nil {
			return err
		}
	}
}

func (s *Server) do(ctx context.Context, method, u string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s", method, u, resp.Status)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}
