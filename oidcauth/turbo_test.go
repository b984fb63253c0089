package oidcauth_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/oidctest"
	"github.com/turbocache/turbocache/internal/turbotest"
	"github.com/turbocache/turbocache/oidcauth"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// TestTurbo runs the real turbo CLI with a JWT from a local issuer as
// TURBO_TOKEN, as a CI job would.
func TestTurbo(t *testing.T) {
	turbotest.Binary(t) // skips, or fails in CI, without turbo
	is := oidctest.Start(t)
	auth, err := oidcauth.New(&oidcauth.Config{Issuer: is.URL, Audience: audience, Rules: mustRules(t, `
repository_owner=acme,ref=refs/heads/main  rw  web
repository_owner=acme                      ro  web
`)})
	require.NoError(t, err)
	store := &putRecorder{Store: memstore.New(nil), durations: map[string]int64{}}
	h, err := httpapi.New(store, &httpapi.Options{Auth: auth})
	require.NoError(t, err)
	var mu sync.Mutex
	answers := map[string]int{} // "PUT 403" -> count
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		mu.Lock()
		answers[fmt.Sprintf("%s %d", r.Method, rec.status)]++
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	count := func(key string) int {
		mu.Lock()
		defer mu.Unlock()
		return answers[key]
	}
	rwToken := is.Token(t, audience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"})
	roToken := oidctest.Sign(t, is.EC, is.Claims(audience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/feature"}))

	t.Run("rw rule", func(t *testing.T) {
		repo := turbotest.NewRepo(t, nil)
		run := turbotest.RunOptions{API: srv.URL, Team: "web", Env: []string{"TURBO_TOKEN=" + rwToken}}
		repo.Run(t, run).RequireAllMisses(t)
		require.Len(t, store.hashes(), len(repo.Packages))
		repo.Run(t, run).RequireFullRemoteHit(t, store.hashes())
	})

	t.Run("ro rule", func(t *testing.T) {
		repo := turbotest.NewRepo(t, nil)
		ro := turbotest.RunOptions{API: srv.URL, Team: "web", Env: []string{"TURBO_TOKEN=" + roToken}}
		before, refused := len(store.hashes()), count("PUT 403")
		res := repo.Run(t, ro)
		res.RequireAllMisses(t)
		require.Len(t, store.hashes(), before, "a token of an ro rule uploaded")
		require.Greater(t, count("PUT 403"), refused, "turbo never tried to upload: %v", answers)
		require.NotContains(t, strings.ToLower(res.Output), "error", "turbo reported an error")

		repo.Run(t, turbotest.RunOptions{API: srv.URL, Team: "web", Env: []string{"TURBO_TOKEN=" + rwToken}}).RequireAllMisses(t)
		repo.Run(t, ro).RequireFullRemoteHit(t, store.hashes())
	})
	require.Zero(t, count("GET 401")+count("PUT 401")+count("POST 401"), "refused tokens: %v", answers)

	t.Run("expired token", func(t *testing.T) {
		repo := turbotest.NewRepo(t, nil)
		expired := is.Token(t, audience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/main",
			"iat": time.Now().Add(-time.Hour).Unix(), "nbf": nil, "exp": time.Now().Add(-time.Minute).Unix()})
		before, refused := len(store.hashes()), count("GET 401")+count("POST 401")
		res := repo.Run(t, turbotest.RunOptions{API: srv.URL, Team: "web", Env: []string{"TURBO_TOKEN=" + expired}})
		res.RequireAllMisses(t) // the build itself succeeds
		require.Len(t, store.hashes(), before, "an expired token uploaded")
		require.Greater(t, count("GET 401")+count("POST 401"), refused, "turbo never asked: %v", answers)
		t.Logf("turbo with an expired token:\n%s", res.Output)
	})

	t.Run("issuer down", func(t *testing.T) {
		down := oidctest.Start(t)
		tok := down.Token(t, audience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"})
		down.Close()
		auth, err := oidcauth.New(&oidcauth.Config{Issuer: down.URL, Audience: audience, Rules: mustRules(t, rulesText)})
		require.NoError(t, err)
		h, err := httpapi.New(store, &httpapi.Options{Auth: auth})
		require.NoError(t, err)
		var unavailable atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			h.ServeHTTP(rec, r)
			if rec.status == http.StatusServiceUnavailable {
				unavailable.Add(1)
			}
		}))
		defer srv.Close()
		repo := turbotest.NewRepo(t, nil)
		before := len(store.hashes())
		res := repo.Run(t, turbotest.RunOptions{API: srv.URL, Team: "web", Env: []string{"TURBO_TOKEN=" + tok}})
		res.RequireAllMisses(t) // the build itself succeeds
		require.Len(t, store.hashes(), before)
		require.Positive(t, unavailable.Load(), "no request was answered 503")
		t.Logf("turbo while the issuer is down:\n%s", res.Output)
	})
}

// putRecorder is a Store that remembers the duration of every upload.
type putRecorder struct {
	storage.Store
	mu        sync.Mutex
	durations map[string]int64 // hash -> ms
}

func (p *putRecorder) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	err := p.Store.Put(ctx, key, r, size, md)
	if err == nil {
		p.mu.Lock()
		_, hash, _ := strings.Cut(key, "/")
		p.durations[hash] = md.Duration.Milliseconds()
		p.mu.Unlock()
	}
	return err
}

func (p *putRecorder) hashes() map[string]int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int64, len(p.durations))
	for k, v := range p.durations {
		out[k] = v
	}
	return out
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
