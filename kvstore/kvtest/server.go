package kvtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Options configures a Server. A nil *Options means the defaults.
type Options struct {
	// AccountID and NamespaceID are the IDs the server answers for.
	// Defaults "account" and "namespace".
	AccountID, NamespaceID string
	// Token is the API token the server accepts. Default "token".
	Token string
	// Dir is where values are kept. Empty means a new temporary directory,
	// removed by Close.
	Dir string
	// Now is the server's clock, for expirations. Nil means time.Now.
	Now func() time.Time
}

// Server is a running in-process KV REST API. Its methods are safe for
// concurrent use.
type Server struct {
	// URL is the API's base, to use as kvstore.Config.BaseURL.
	URL string
	// AccountID, NamespaceID and Token are the values the server accepts.
	AccountID, NamespaceID, Token string

	httpServer *httptest.Server
	dir        string
	removeDir  bool
	now        func() time.Time
	requests   atomic.Int64

	mu      sync.Mutex
	entries map[string]*entry
	faults  []*Fault
}

// NewServer starts a Server on a free port of 127.0.0.1. Call Close when
// done.
func NewServer(opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	s := &Server{
		AccountID: or(o.AccountID, "account"), NamespaceID: or(o.NamespaceID, "namespace"),
		Token: or(o.Token, "token"), dir: o.Dir, now: o.Now, entries: make(map[string]*entry),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.dir == "" {
		dir, err := os.MkdirTemp("", "kvtest-")
		if err != nil {
			return nil, fmt.Errorf("kvtest: create a directory for values: %w", err)
		}
		s.dir, s.removeDir = dir, true
	}
	s.httpServer = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.httpServer.URL + "/client/v4"
	return s, nil
}

// Start starts a Server for the test tb and closes it when tb ends.
func Start(tb testing.TB, opts *Options) *Server {
	tb.Helper()
	s, err := NewServer(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server and removes the values it kept, if it chose their
// directory.
func (s *Server) Close() {
	s.httpServer.Close()
	if s.removeDir {
		os.RemoveAll(s.dir)
	}
}

// Requests reports how many requests the server has received.
func (s *Server) Requests() int64 { return s.requests.Load() }

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
