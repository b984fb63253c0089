package oidcauth_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/oidcauth"
	"github.com/turbocache/turbocache/storage/memstore"
)

const (
	audience = "https://cache.example.com"
	hash     = "0123456789abcdef"
	// rulesText is the rules of most tests: main may write web and docs,
	// release branches every team, other branches of acme only read.
	rulesText = `# claims                                    access teams
repository_owner=acme,ref=refs/heads/main       rw     web,docs
repository_owner=acme,ref=refs/heads/release/*  rw     *

repository_owner=acme                           ro     web,docs
`
)

// clock is a settable time for Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer is a concurrency-safe log destination.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func mustRules(t testing.TB, text string) []oidcauth.Rule {
	t.Helper()
	rules, err := oidcauth.ParseRules(strings.NewReader(text))
	require.NoError(t, err)
	return rules
}

// newHandler returns the protocol handler over a memory store, with a
// as its authenticator.
func newHandler(t testing.TB, a httpapi.Authenticator) http.Handler {
	t.Helper()
	h, err := httpapi.New(memstore.New(nil), &httpapi.Options{Auth: a})
	require.NoError(t, err)
	return h
}

// send sends one request for the artifact hash of team with token.
func send(h http.Handler, method, team, token string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/v8/artifacts/"+hash+"?slug="+team, strings.NewReader("artifact"))
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
