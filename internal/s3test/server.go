package s3test

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/turbocache/turbocache/internal/freeport"
	"github.com/turbocache/turbocache/internal/testcert"
)

// Options chooses the kind of server to start.
type Options struct {
	// TLS serves HTTPS with a certificate made for the server; clients
	// trust it through Server.HTTPClient.
	TLS bool
	// Region is the region the server accepts signatures for; empty means
	// us-east-1. Cloudflare R2 signs for "auto".
	Region string
}

func (o Options) region() string {
	if o.Region == "" {
		return "us-east-1"
	}
	return o.Region
}

// Server is a running S3 server and what a client needs to reach it.
type Server struct {
	// Endpoint is the server's base URL, such as http://127.0.0.1:41234.
	Endpoint string
	// Region is the region requests are signed for.
	Region string
	// AccessKeyID and SecretAccessKey are the server's root credentials.
	AccessKeyID     string
	SecretAccessKey string
	// RootCAs trusts the server's certificate; nil for plain HTTP or a
	// server with a publicly trusted certificate.
	RootCAs *x509.CertPool
	// HTTPClient reaches the server, trusting RootCAs. Each call of
	// NewHTTPClient returns a fresh one with its own connections.
	HTTPClient *http.Client

	external bool   // not a process of ours: cannot be stopped and started
	closeFn  func() // releases an external server started for the test

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	bin     string
	args    []string
	env     []string
	dataDir string // removed by Close
}

// Controllable reports whether the server was started by the test, and so
// can be stopped and restarted.
func (s *Server) Controllable() bool { return !s.external }

// NewHTTPClient returns an HTTP client that trusts the server, wrapping
// transport when it is not nil (for tests that record requests).
func (s *Server) NewHTTPClient(wrap func(http.RoundTripper) http.RoundTripper) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if s.RootCAs != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
	}
	var rt http.RoundTripper = tr
	if wrap != nil {
		rt = wrap(rt)
	}
	return &http.Client{Transport: rt}
}

// startVersitygw starts a versitygw process serving a fresh directory.
func startVersitygw(ctx context.Context, opts Options) (*Server, error) {
	bin, err := versitygwBinary(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "s3test-")
	if err != nil {
		return nil, fmt.Errorf("s3test: %w", err)
	}
	s := &Server{
		Region:          opts.region(),
		AccessKeyID:     "AKTEST" + randomHex(7),
		SecretAccessKey: randomHex(20),
		bin:             bin,
		dataDir:         dir,
	}
	if err := s.configure(opts); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.Start(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// configure picks a port and writes the certificate; Start uses both.
func (s *Server) configure(opts Options) error {
	root := filepath.Join(s.dataDir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		return fmt.Errorf("s3test: %w", err)
	}
	port, err := freeport.Get()
	if err != nil {
		return fmt.Errorf("s3test: %w", err)
	}
	scheme := "http"
	s.args = []string{"--port", "127.0.0.1:" + port, "--quiet", "--region", s.Region}
	if opts.TLS {
		pair, err := testcert.Write(s.dataDir, nil)
		if err != nil {
			return fmt.Errorf("s3test: %w", err)
		}
		s.args = append(s.args, "--cert", pair.CertFile, "--key", pair.KeyFile)
		s.RootCAs = pair.Pool
		scheme = "https"
	}
	s.args = append(s.args, "posix", root)
	s.env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+s.AccessKeyID, "ROOT_SECRET_ACCESS_KEY="+s.SecretAccessKey)
	s.Endpoint = scheme + "://127.0.0.1:" + port
	s.HTTPClient = s.NewHTTPClient(nil)
	return nil
}

// Start starts the server process again after Stop, on the same address and
// with the same data. Starting a running server does nothing.
func (s *Server) Start(ctx context.Context) error {
	if s.external {
		return errors.New("s3test: an external server cannot be started")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	cmd := exec.Command(s.bin, s.args...)
	cmd.Env = s.env
	cmd.SysProcAttr = childAttr()
	logFile, err := os.Create(filepath.Join(s.dataDir, "server.log"))
	if err != nil {
		return fmt.Errorf("s3test: %w", err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("s3test: start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	if err := s.waitReady(ctx, exited); err != nil {
		s.stopLocked()
		log, _ := os.ReadFile(filepath.Join(s.dataDir, "server.log"))
		return fmt.Errorf("s3test: versitygw %v: %w\n%s", s.args, err, log)
	}
	return nil
}

// waitReady polls the server until it answers HTTP requests.
func (s *Server) waitReady(ctx context.Context, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/", nil)
		if err != nil {
			return err
		}
		if resp, err := s.HTTPClient.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before it was ready")
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Stop kills the server process and waits for it to exit. Its data stay
// until Close, for Start.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *Server) stopLocked() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
	s.HTTPClient.CloseIdleConnections()
}

// Close stops the server and removes its data.
func (s *Server) Close() {
	if s.closeFn != nil {
		s.closeFn()
	}
	if s.external {
		return
	}
	s.Stop()
	os.RemoveAll(s.dataDir)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
