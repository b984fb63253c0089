package oidcauth_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/oidctest"
	"github.com/turbocache/turbocache/oidcauth"
)

var mainClaims = map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"}

// newAuth returns an authenticator for is on a settable clock, without the
// cache of verified tokens so that every request checks a signature.
func newAuth(t *testing.T, is *oidctest.Issuer, clk *clock) http.Handler {
	t.Helper()
	a, err := oidcauth.New(&oidcauth.Config{Issuer: is.URL, Audience: audience, Rules: mustRules(t, rulesText),
		RefreshInterval: time.Minute, CacheSize: -1, Now: clk.Now})
	require.NoError(t, err)
	return newHandler(t, a)
}

func TestKeyRotation(t *testing.T) {
	is := oidctest.Start(t)
	clk := newClock()
	h := newAuth(t, is, clk)
	require.Equal(t, http.StatusAccepted, send(h, "PUT", "web", is.Token(t, audience, mainClaims)).Code)
	require.Equal(t, 1, is.KeySetRequests())

	rotated := oidctest.NewKey(t, jose.ES256, "ec-2")
	is.Publish(rotated, is.RSA)
	newToken := oidctest.Sign(t, rotated, is.Claims(audience, mainClaims))

	// The first fetch was just now: the unknown key waits for the interval,
	// however many tokens name it.
	for range 5 {
		assert.Equal(t, http.StatusUnauthorized, send(h, "GET", "web", newToken).Code)
	}
	assert.Equal(t, 1, is.KeySetRequests(), "the refresh is not rate-limited")

	clk.Add(time.Minute)
	// go-oidc hands the result of a fetch that has just ended to the
	// requests arriving at that moment: the refusal above may still be
	// handed out for a moment.
	require.Eventually(t, func() bool { return send(h, "GET", "web", newToken).Code == http.StatusOK },
		5*time.Second, time.Millisecond)
	assert.Equal(t, 2, is.KeySetRequests())
	assert.Equal(t, http.StatusOK, send(h, "GET", "web", is.Token(t, audience, mainClaims)).Code, "the key kept in the new set")

	// A key the issuer no longer publishes is refused after the next fetch.
	is.Publish(rotated)
	clk.Add(time.Minute)
	unknown := oidctest.Sign(t, oidctest.NewKey(t, jose.RS256, "forged"), is.Claims(audience, mainClaims))
	require.Eventually(t, func() bool {
		return send(h, "GET", "web", unknown).Code == http.StatusUnauthorized && is.KeySetRequests() == 3
	}, 5*time.Second, time.Millisecond, "the unknown key did not refetch the set")
	assert.Equal(t, http.StatusUnauthorized, send(h, "GET", "web", is.Token(t, audience, mainClaims)).Code, "a retired key")
	assert.Equal(t, http.StatusOK, send(h, "GET", "web", newToken).Code)
	assert.Equal(t, 1, is.DiscoveryRequests())
}

func TestIssuerDown(t *testing.T) {
	t.Run("with cached keys", func(t *testing.T) {
		is := oidctest.Start(t)
		clk := newClock()
		h := newAuth(t, is, clk)
		require.Equal(t, http.StatusAccepted, send(h, "PUT", "web", is.Token(t, audience, mainClaims)).Code)

		is.SetDown(true)
		clk.Add(time.Minute)
		// Another token, signed with a key already fetched: no fetch needed.
		assert.Equal(t, http.StatusOK, send(h, "GET", "web", oidctest.Sign(t, is.EC, is.Claims(audience, mainClaims))).Code)
		// A key not fetched yet cannot be checked: 503, not 401.
		rotated := oidctest.Sign(t, oidctest.NewKey(t, jose.RS256, "rsa-2"), is.Claims(audience, mainClaims))
		assert.Equal(t, http.StatusServiceUnavailable, send(h, "GET", "web", rotated).Code)
		assert.Equal(t, http.StatusServiceUnavailable, send(h, "GET", "web", rotated).Code, "still down, not retried yet")
		assert.Equal(t, 2, is.KeySetRequests())

		is.Close() // connections refused
		assert.Equal(t, http.StatusAccepted, send(h, "PUT", "web", is.Token(t, audience, mainClaims)).Code)
		assert.Equal(t, http.StatusUnauthorized, send(h, "GET", "web", unsigned(is.Claims(audience, mainClaims))).Code)
	})

	t.Run("without keys", func(t *testing.T) {
		is := oidctest.Start(t)
		clk := newClock()
		h := newAuth(t, is, clk)
		tok := is.Token(t, audience, mainClaims)
		is.SetDown(true)
		for range 3 {
			w := send(h, "GET", "web", tok)
			assert.Equal(t, http.StatusServiceUnavailable, w.Code, w.Body.String())
			assert.NotContains(t, w.Body.String(), tok)
		}
		assert.Equal(t, 1, is.DiscoveryRequests(), "discovery is not rate-limited")
		// A token that is not even signed is still a 401.
		assert.Equal(t, http.StatusUnauthorized, send(h, "GET", "web", unsigned(is.Claims(audience, mainClaims))).Code)

		is.SetDown(false)
		assert.Equal(t, http.StatusServiceUnavailable, send(h, "GET", "web", tok).Code, "retried before the interval")
		clk.Add(time.Minute)
		assert.Equal(t, http.StatusNotFound, send(h, "GET", "web", tok).Code, "not back after the issuer")
	})

	t.Run("key set down", func(t *testing.T) {
		is := oidctest.Start(t)
		clk := newClock()
		h := newAuth(t, is, clk)
		tok := is.Token(t, audience, mainClaims)
		// Discovery succeeds; the key set is down.
		require.Equal(t, http.StatusUnauthorized, send(h, "GET", "web", unsigned(is.Claims(audience, mainClaims))).Code)
		is.Publish()
		is.SetDown(true)
		assert.Equal(t, http.StatusServiceUnavailable, send(h, "GET", "web", tok).Code)
	})

	t.Run("refused connections", func(t *testing.T) {
		is := oidctest.Start(t)
		h := newAuth(t, is, newClock())
		tok := is.Token(t, audience, mainClaims)
		is.Close()
		assert.Equal(t, http.StatusServiceUnavailable, send(h, "GET", "web", tok).Code)
	})
}

func TestVerifiedTokenCache(t *testing.T) {
	is := oidctest.Start(t)
	clk := newClock()
	a, err := oidcauth.New(&oidcauth.Config{Issuer: is.URL, Audience: audience, Rules: mustRules(t, rulesText),
		CacheSize: 2, Now: clk.Now})
	require.NoError(t, err)
	h := newHandler(t, a)
	claims := is.Claims(audience, mainClaims)
	claims["exp"] = time.Now().Add(time.Minute).Unix()
	tok := oidctest.Sign(t, is.RSA, claims)
	require.Equal(t, http.StatusAccepted, send(h, "PUT", "web", tok).Code)

	// Remembered: the issuer's keys are not needed any more...
	is.Close()
	assert.Equal(t, http.StatusOK, send(h, "GET", "web", tok).Code)
	// ...and the rule still limits the teams.
	assert.Equal(t, http.StatusForbidden, send(h, "GET", "mobile", tok).Code)
	// Until the token expires (and the skew after it).
	clk.Add(2 * time.Minute)
	assert.Equal(t, http.StatusUnauthorized, send(h, "GET", "web", tok).Code)
}

// recordingTransport remembers the URLs requested through it.
type recordingTransport struct {
	mu   sync.Mutex
	urls []string
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.urls = append(rt.urls, r.URL.String())
	rt.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// TestBadIssuerDocuments serves wrong discovery documents and key sets: a
// token that cannot be checked for them is a 503, never a pass or a 500.
func TestBadIssuerDocuments(t *testing.T) {
	is := oidctest.Start(t) // only for its keys and tokens
	for _, tc := range []struct {
		name      string
		discovery func(url string) string
		keys      string
	}{
		{"issuer mismatch", func(string) string {
			return `{"issuer":"https://elsewhere.example.com","jwks_uri":"https://elsewhere.example.com/keys"}`
		}, ""},
		{"no jwks_uri", func(url string) string { return `{"issuer":"` + url + `"}` }, ""},
		{"plain http jwks_uri", func(url string) string { return `{"issuer":"` + url + `","jwks_uri":"http://keys.example.com/keys"}` }, ""},
		{"not JSON", func(string) string { return `<html>` }, ""},
		{"too large", func(url string) string {
			return `{"issuer":"` + url + `","jwks_uri":"` + url + `/keys","x":"` + strings.Repeat("x", 1<<20) + `"}`
		}, ""},
		{"key set not JSON", func(url string) string { return `{"issuer":"` + url + `","jwks_uri":"` + url + `/keys"}` }, `<html>`},
		{"key set without keys", func(url string) string { return `{"issuer":"` + url + `","jwks_uri":"` + url + `/keys"}` }, `{"other":[]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/keys" {
					_, _ = io.WriteString(w, tc.keys)
					return
				}
				_, _ = io.WriteString(w, tc.discovery(srv.URL))
			}))
			defer srv.Close()
			rt := &recordingTransport{}
			a, err := oidcauth.New(&oidcauth.Config{Issuer: srv.URL, Audience: audience, Rules: mustRules(t, rulesText),
				HTTPClient: &http.Client{Transport: rt}})
			require.NoError(t, err)
			claims := is.Claims(audience, mainClaims)
			claims["iss"] = srv.URL
			w := send(newHandler(t, a), "GET", "web", oidctest.Sign(t, is.RSA, claims))
			assert.Equal(t, http.StatusServiceUnavailable, w.Code, w.Body.String())
			rt.mu.Lock()
			defer rt.mu.Unlock()
			require.NotEmpty(t, rt.urls, "the configured client was not used")
			for _, u := range rt.urls {
				assert.True(t, strings.HasPrefix(u, srv.URL), "requested %s", u)
			}
		})
	}
}
