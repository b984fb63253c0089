package oidcauth_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/oidctest"
	"github.com/turbocache/turbocache/oidcauth"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// BenchmarkAuthenticatedGet measures one authenticated download of a
// 10 KiB artifact through the protocol handler, with a static token and
// with JWTs, each verified every time or remembered once verified.
func BenchmarkAuthenticatedGet(b *testing.B) {
	is := oidctest.Start(b)
	static, jwtAuth := benchAuthenticators(b, is)
	claims := map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"}
	rsa := is.Token(b, audience, claims)
	ec := oidctest.Sign(b, is.EC, is.Claims(audience, claims))

	for _, bc := range []struct {
		name  string
		auth  httpapi.Authenticator
		token string
	}{
		{"static", static, "static-token-for-the-benchmark"},
		{"static behind oidcauth", jwtAuth(0), "static-token-for-the-benchmark"},
		{"JWT RS256 verified each time", jwtAuth(-1), rsa},
		{"JWT ES256 verified each time", jwtAuth(-1), ec},
		{"JWT RS256 remembered", jwtAuth(0), rsa},
		{"JWT ES256 remembered", jwtAuth(0), ec},
	} {
		b.Run(bc.name, func(b *testing.B) {
			store := memstore.New(nil)
			artifact := bytes.Repeat([]byte("x"), 10<<10)
			require.NoError(b, store.Put(b.Context(), "web/"+hash, bytes.NewReader(artifact), int64(len(artifact)), storage.Metadata{}))
			h, err := httpapi.New(store, &httpapi.Options{Auth: bc.auth})
			require.NoError(b, err)
			req := httptest.NewRequest("GET", "/v8/artifacts/"+hash+"?slug=web", nil)
			req.Header.Set("Authorization", "Bearer "+bc.token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req) // the first JWT fetches the keys
			require.Equal(b, http.StatusOK, w.Code, w.Body.String())
			b.SetBytes(int64(len(artifact)))
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// BenchmarkAuthenticate measures the authenticators alone, without the
// handler and the store.
func BenchmarkAuthenticate(b *testing.B) {
	is := oidctest.Start(b)
	static, jwtAuth := benchAuthenticators(b, is)
	rsa := is.Token(b, audience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"})
	for _, bc := range []struct {
		name  string
		auth  httpapi.Authenticator
		token string
	}{
		{"static", static, "static-token-for-the-benchmark"},
		{"JWT RS256 verified each time", jwtAuth(-1), rsa},
		{"JWT RS256 remembered", jwtAuth(0), rsa},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/v8/artifacts/"+hash+"?slug=web", nil)
			req.Header.Set("Authorization", "Bearer "+bc.token)
			if _, err := bc.auth.Authenticate(req, "web"); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.auth.Authenticate(req, "web"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchAuthenticators returns the static token authenticator of the
// benchmarks, and a function making a JWT authenticator with a given cache
// size that falls back to it.
func benchAuthenticators(b *testing.B, is *oidctest.Issuer) (*httpapi.TokenAuth, func(cacheSize int) httpapi.Authenticator) {
	b.Helper()
	static, err := httpapi.NewTokenAuth(httpapi.Token{Name: "ci", Secret: "static-token-for-the-benchmark"})
	require.NoError(b, err)
	return static, func(cacheSize int) httpapi.Authenticator {
		a, err := oidcauth.New(&oidcauth.Config{Issuer: is.URL, Audience: audience, Rules: mustRules(b, rulesText),
			CacheSize: cacheSize, Fallback: static})
		require.NoError(b, err)
		return a
	}
}
