package systest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/freeport"
	"github.com/turbocache/turbocache/internal/syncbuf"
)

// token is the bearer token every test server accepts.
const token = "systest-token-16chars"

// built is the server, built once and shared by every test of the package.
var built struct {
	once sync.Once
	path string
	err  error
}

// TestMain removes the built server once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.path != "" {
		os.RemoveAll(filepath.Dir(built.path))
	}
	os.Exit(code)
}

// serverBinary builds the server, the package in the parent directory
// (go test runs in the package's own), once.
func serverBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "systest-server-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "server")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", built.path, "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build examples/server: %w\n%s", err, out)
		}
	})
	require.NoError(t, built.err)
	return built.path
}

// server is a running examples/server process.
type server struct {
	URL    string
	Dir    string
	cmd    *exec.Cmd
	stderr *syncbuf.Buffer
	done   chan struct{}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	port, err := freeport.Get()
	require.NoError(t, err)
	return port
}

// startServer runs the server on a free loopback port over dir, with env
// added to its environment, waits until it answers, and kills it at the end
// of the test if it still runs.
func startServer(t *testing.T, dir string, env ...string) *server {
	t.Helper()
	var s *server
	for range 3 { // another process may take the free port first
		if s = tryStartServer(t, dir, env); s != nil {
			return s
		}
	}
	t.Fatal("the server did not start")
	return nil
}

// tryStartServer starts the server, or returns nil if it exited at once.
func tryStartServer(t *testing.T, dir string, env []string) *server {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(serverBinary(t))
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+port, "STORAGE_DIR="+dir, "TURBO_TOKEN="+token)
	cmd.Env = append(cmd.Env, env...)
	s := &server{URL: "http://127.0.0.1:" + port, Dir: dir, cmd: cmd, stderr: &syncbuf.Buffer{}, done: make(chan struct{})}
	cmd.Stdout = io.Discard
	cmd.Stderr = s.stderr
	require.NoError(t, cmd.Start())
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.kill(t)
		if t.Failed() {
			log := s.stderr.String()
			if len(log) > 8<<10 {
				log = "..." + log[len(log)-8<<10:]
			}
			t.Logf("server log:\n%s", log)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := s.do(context.Background(), "GET", "/v8/artifacts/status", nil, -1)
		if err == nil {
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode, "status")
			return s
		}
		select {
		case <-s.done:
			t.Logf("the server exited at start:\n%s", s.stderr.String())
			return nil
		case <-time.After(10 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "the server does not answer:\n%s", s.stderr.String())
	}
}

// kill ends the server with SIGKILL and waits until it is gone.
func (s *server) kill(t *testing.T) {
	t.Helper()
	select {
	case <-s.done:
		return
	default:
	}
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the server survived SIGKILL")
	}
}

// rssKiB reads the server's resident set size from /proc, in KiB.
func (s *server) rssKiB() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", s.cmd.Process.Pid)
}

// do sends an authenticated request to the server. size is the body's
// Content-Length, -1 for none.
func (s *server) do(ctx context.Context, method, path string, body io.Reader, size int64) (*http.Response, error) {
	return s.doWith(ctx, http.DefaultClient, method, path, body, size)
}

func (s *server) doWith(ctx context.Context, c *http.Client, method, path string, body io.Reader, size int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if size >= 0 {
		req.ContentLength = size
		if size == 0 {
			req.Body = http.NoBody
		}
	}
	return c.Do(req)
}

// artifactPath is the URL path of hash in team.
func artifactPath(team, hash string) string {
	return "/v8/artifacts/" + hash + "?teamId=" + team
}

// tempFiles lists the temporary files (names holding '~') below dir, but
// for the checkpoint file of the running server's store ("sync~…").
func tempFiles(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while listing
		}
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.Contains(d.Name(), "~") && !strings.HasPrefix(d.Name(), "sync~") {
			fi, err := d.Info()
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			out[p] = fi.Size()
		}
		return nil
	})
	require.NoError(t, err)
	return out
}
