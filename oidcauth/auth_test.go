package oidcauth_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/oidctest"
	"github.com/turbocache/turbocache/oidcauth"
)

// TestAuthenticate sends tokens of every kind, good and bad, through the
// protocol handler and checks the status of each answer.
func TestAuthenticate(t *testing.T) {
	is := oidctest.Start(t)
	var logs logBuffer
	a, err := oidcauth.New(&oidcauth.Config{Issuer: is.URL, Audience: audience, Rules: mustRules(t, rulesText), Logger: logs.logger()})
	require.NoError(t, err)
	h := newHandler(t, a)

	now := time.Now()
	main := map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"}
	with := func(extra map[string]any) map[string]any {
		c := map[string]any{}
		for k, v := range main {
			c[k] = v
		}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	token := func(extra map[string]any) string { return is.Token(t, audience, with(extra)) }
	unpublished := oidctest.NewKey(t, jose.RS256, is.RSA.ID) // the published key's ID, another key

	for _, tc := range []struct {
		name, method, team, token string
		want                      int
	}{
		{"main writes web", "PUT", "web", token(nil), http.StatusAccepted},
		{"main reads docs", "GET", "docs", token(nil), http.StatusNotFound},
		{"main may not use other teams", "PUT", "mobile", token(nil), http.StatusForbidden},
		{"main may not read other teams", "GET", "mobile", token(nil), http.StatusForbidden},
		{"ES256", "PUT", "web", oidctest.Sign(t, is.EC, is.Claims(audience, main)), http.StatusAccepted},
		{"release prefix, every team", "PUT", "mobile", token(map[string]any{"ref": "refs/heads/release/1.2"}), http.StatusAccepted},
		{"the prefix is a prefix", "PUT", "web", token(map[string]any{"ref": "refs/heads/releases"}), http.StatusForbidden},
		{"other branch reads", "GET", "web", token(map[string]any{"ref": "refs/heads/feature"}), http.StatusOK},
		{"other branch may not write", "PUT", "web", token(map[string]any{"ref": "refs/heads/feature"}), http.StatusForbidden},
		{"other branch, other team", "GET", "mobile", token(map[string]any{"ref": "refs/heads/feature"}), http.StatusForbidden},
		{"no rule matches", "GET", "web", token(map[string]any{"repository_owner": "evil"}), http.StatusForbidden},
		{"matched claim missing", "GET", "web", is.Token(t, audience, nil), http.StatusForbidden},
		{"expired", "GET", "web", token(map[string]any{"exp": now.Add(-2 * time.Minute).Unix(), "iat": now.Add(-20 * time.Minute).Unix(), "nbf": nil}), http.StatusUnauthorized},
		{"expired within the skew", "GET", "web", token(map[string]any{"exp": now.Add(-10 * time.Second).Unix(), "iat": now.Add(-20 * time.Minute).Unix(), "nbf": nil}), http.StatusOK},
		{"not yet valid", "GET", "web", token(map[string]any{"nbf": now.Add(2 * time.Minute).Unix()}), http.StatusUnauthorized},
		{"not yet valid within the skew", "GET", "web", token(map[string]any{"nbf": now.Add(10 * time.Second).Unix()}), http.StatusOK},
		{"issued in the future", "GET", "web", token(map[string]any{"iat": now.Add(2 * time.Minute).Unix(), "nbf": nil}), http.StatusUnauthorized},
		{"no expiry", "GET", "web", token(map[string]any{"exp": nil}), http.StatusUnauthorized},
		{"wrong issuer", "GET", "web", token(map[string]any{"iss": "https://token.actions.githubusercontent.com"}), http.StatusUnauthorized},
		{"no issuer", "GET", "web", token(map[string]any{"iss": nil}), http.StatusUnauthorized},
		{"wrong audience", "GET", "web", token(map[string]any{"aud": "https://other.example.com"}), http.StatusUnauthorized},
		{"audience among others", "GET", "web", token(map[string]any{"aud": []string{"https://other.example.com", audience}}), http.StatusOK},
		{"no audience", "GET", "web", token(map[string]any{"aud": nil}), http.StatusUnauthorized},
		{"alg none", "GET", "web", unsigned(is.Claims(audience, main)), http.StatusUnauthorized},
		{"HS256 with the public key", "PUT", "web", hmacWithPublicKey(t, is, is.Claims(audience, main)), http.StatusUnauthorized},
		{"signed by another key with a published kid", "PUT", "web", oidctest.Sign(t, unpublished, is.Claims(audience, main)), http.StatusUnauthorized},
		{"tampered payload", "PUT", "web", tamper(t, token(map[string]any{"repository_owner": "acmf"})), http.StatusUnauthorized},
		{"garbage in JWT form", "GET", "web", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256"}`)) + ".e30.c2ln", http.StatusUnauthorized},
		{"not a JWT, no fallback", "GET", "web", "static-token", http.StatusUnauthorized},
		{"no token", "GET", "web", "", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := send(h, tc.method, tc.team, tc.token)
			assert.Equal(t, tc.want, w.Code, w.Body.String())
			if tc.token != "" {
				assert.NotContains(t, w.Body.String(), tc.token)
			}
		})
	}
	t.Run("status needs a valid token and a rule", func(t *testing.T) {
		for tok, want := range map[string]int{
			token(nil): http.StatusOK, token(map[string]any{"ref": "refs/heads/x"}): http.StatusOK,
			token(map[string]any{"repository_owner": "evil"}): http.StatusForbidden,
			unsigned(is.Claims(audience, main)):               http.StatusUnauthorized,
		} {
			r, _ := http.NewRequest("GET", "/v8/artifacts/status", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, want, w.Code, w.Body.String())
		}
	})
	out := logs.String()
	for _, secret := range []string{"acme", "evil", "refs/heads", "repo:", "eyJ"} {
		assert.NotContains(t, out, secret, "a token or claim in the logs")
	}
	assert.Contains(t, out, "rule=\"line 2\"")
	assert.Contains(t, out, "rule=\"line 5\"")
}

// unsigned returns a token with "alg":"none" and no signature.
func unsigned(claims map[string]any) string {
	enc := base64.RawURLEncoding
	payload, _ := json.Marshal(claims)
	return enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + "."
}

// hmacWithPublicKey signs a token with HS256, the issuer's public RSA key
// (in PEM, as published keys are often found) as the secret: the classic
// algorithm confusion.
func hmacWithPublicKey(t *testing.T, is *oidctest.Issuer, claims map[string]any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(is.RSA.Private.Public())
	require.NoError(t, err)
	secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: jose.JSONWebKey{Key: secret, KeyID: is.RSA.ID}}, nil)
	require.NoError(t, err)
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	require.NoError(t, err)
	return tok
}

// tamper replaces a token's payload with one naming another owner, keeping
// the signature.
func tamper(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	forged := strings.Replace(string(payload), `"acmf"`, `"acme"`, 1)
	require.NotEqual(t, string(payload), forged)
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(forged))
	return strings.Join(parts, ".")
}

func TestFallback(t *testing.T) {
	is := oidctest.Start(t)
	static, err := httpapi.NewTokenAuth(httpapi.Token{Name: "laptop", Secret: "static-ro", ReadOnly: true})
	require.NoError(t, err)
	a, err := oidcauth.New(&oidcauth.Config{Issuer: is.URL, Audience: audience, Rules: mustRules(t, rulesText), Fallback: static})
	require.NoError(t, err)
	h := newHandler(t, a)
	jwtMain := is.Token(t, audience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"})

	for _, tc := range []struct {
		name, method, token string
		want                int
	}{
		{"JWT writes", "PUT", jwtMain, http.StatusAccepted},
		{"static token reads", "GET", "static-ro", http.StatusOK},
		{"static token may not write", "PUT", "static-ro", http.StatusForbidden},
		{"unknown static token", "GET", "static-rw", http.StatusUnauthorized},
		{"no token", "GET", "", http.StatusUnauthorized},
		{"a bad JWT does not fall through", "GET", unsigned(is.Claims(audience, nil)), http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := send(h, tc.method, "web", tc.token)
			assert.Equal(t, tc.want, w.Code, w.Body.String())
		})
	}
}
