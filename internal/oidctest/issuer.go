// Package oidctest runs an OpenID Connect issuer for tests: a discovery
// document and a JSON Web Key Set served over HTTP on 127.0.0.1, real RSA
// and EC keys generated for the test, and tokens signed with them.
package oidctest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Key is a signing key of the issuer.
type Key struct {
	// ID is the key's kid.
	ID string
	// Alg is the algorithm it signs with: RS256 or ES256.
	Alg jose.SignatureAlgorithm
	// Private is the private key.
	Private crypto.Signer
}

// Issuer is a running test issuer.
type Issuer struct {
	// URL is the issuer's URL, the iss of its tokens.
	URL string
	// RSA and EC are the keys the issuer publishes at start.
	RSA, EC *Key

	srv       *httptest.Server
	mu        sync.Mutex
	published []*Key
	down      bool
	jwksHits  atomic.Int64
	discovery atomic.Int64
}

// Start starts an issuer publishing one RS256 and one ES256 key, and closes
// it at the end of the test.
func Start(t testing.TB) *Issuer {
	t.Helper()
	is := &Issuer{RSA: NewKey(t, jose.RS256, "rsa-1"), EC: NewKey(t, jose.ES256, "ec-1")}
	is.published = []*Key{is.RSA, is.EC}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		is.discovery.Add(1)
		is.serve(w, map[string]any{
			"issuer":                                is.URL,
			"jwks_uri":                              is.URL + "/keys",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		is.jwksHits.Add(1)
		is.mu.Lock()
		var set jose.JSONWebKeySet
		for _, k := range is.published {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.Private.Public(), KeyID: k.ID, Algorithm: string(k.Alg), Use: "sig"})
		}
		is.mu.Unlock()
		is.serve(w, set)
	})
	is.srv = httptest.NewServer(mux)
	is.URL = is.srv.URL
	t.Cleanup(is.srv.Close)
	return is
}

func (is *Issuer) serve(w http.ResponseWriter, v any) {
	is.mu.Lock()
	down := is.down
	is.mu.Unlock()
	if down {
		http.Error(w, "down for the test", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// NewKey generates a key for alg (RS256 or ES256) with the key ID id.
func NewKey(t testing.TB, alg jose.SignatureAlgorithm, id string) *Key {
	t.Helper()
	var priv crypto.Signer
	var err error
	switch alg {
	case jose.RS256:
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	case jose.ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		t.Fatalf("oidctest: no key for %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return &Key{ID: id, Alg: alg, Private: priv}
}

// Publish replaces the published key set with keys: a key rotation.
func (is *Issuer) Publish(keys ...*Key) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.published = keys
}

// SetDown makes the issuer answer every request with 503 (true), or serve
// again (false).
func (is *Issuer) SetDown(down bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.down = down
}

// Close stops the issuer: connections to it are refused from then on.
func (is *Issuer) Close() { is.srv.Close() }

// KeySetRequests is the number of requests for the key set so far.
func (is *Issuer) KeySetRequests() int { return int(is.jwksHits.Load()) }

// DiscoveryRequests is the number of requests for the discovery document.
func (is *Issuer) DiscoveryRequests() int { return int(is.discovery.Load()) }

// Claims returns the claims of a token valid for ten minutes from now for
// audience, from this issuer, with extra added (a nil value removes a
// claim).
func (is *Issuer) Claims(audience string, extra map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": is.URL, "aud": audience, "sub": "repo:acme/web:ref:refs/heads/main",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
	maps.Copy(c, extra)
	maps.DeleteFunc(c, func(_ string, v any) bool { return v == nil })
	return c
}

// Token returns a token for audience signed with the issuer's RSA key,
// with the claims of Claims.
func (is *Issuer) Token(t testing.TB, audience string, extra map[string]any) string {
	t.Helper()
	return Sign(t, is.RSA, is.Claims(audience, extra))
}

// Sign returns a compact JWT with claims, signed with key.
func Sign(t testing.TB, key *Key, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: key.Alg, Key: jose.JSONWebKey{Key: key.Private, KeyID: key.ID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
