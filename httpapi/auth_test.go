package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

func TestTokenAuth(t *testing.T) {
	digest := sha256.Sum256([]byte("hashed-token"))
	auth, err := httpapi.NewTokenAuth(
		httpapi.Token{Name: "ci", Secret: "rw-token"},
		httpapi.Token{Name: "dev", Secret: "ro-token", ReadOnly: true},
		httpapi.Token{Name: "team-b", Secret: "b-token", Teams: []string{"team_b"}},
		httpapi.Token{Name: "file", SHA256: hex.EncodeToString(digest[:])},
	)
	require.NoError(t, err)
	var logs bytes.Buffer
	h, err := httpapi.New(memstore.New(nil), &httpapi.Options{
		Auth:   auth,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	require.NoError(t, err)

	for _, tc := range []struct {
		name, authorization, method, team string
		want                              int
		code                              string
	}{
		{"no header", "", "GET", "team_a", http.StatusUnauthorized, "unauthorized"},
		{"wrong scheme", "Basic rw-token", "GET", "team_a", http.StatusUnauthorized, "unauthorized"},
		{"no token", "Bearer ", "GET", "team_a", http.StatusUnauthorized, "unauthorized"},
		{"wrong token", "Bearer rw-token2", "GET", "team_a", http.StatusUnauthorized, "unauthorized"},
		{"token prefix", "Bearer rw-", "GET", "team_a", http.StatusUnauthorized, "unauthorized"},
		{"read-write GET", "Bearer rw-token", "GET", "team_a", http.StatusNotFound, "not_found"},
		{"read-write PUT", "Bearer rw-token", "PUT", "team_a", http.StatusAccepted, ""},
		{"scheme in lower case", "bearer rw-token", "PUT", "team_a", http.StatusAccepted, ""},
		{"scheme in upper case", "BEARER rw-token", "PUT", "team_a", http.StatusAccepted, ""},
		{"read-only GET", "Bearer ro-token", "GET", "team_a", http.StatusOK, ""},
		{"read-only PUT", "Bearer ro-token", "PUT", "team_a", http.StatusForbidden, "forbidden"},
		{"team token, own team", "Bearer b-token", "PUT", "team_b", http.StatusAccepted, ""},
		{"team token, other team", "Bearer b-token", "GET", "team_a", http.StatusForbidden, "forbidden"},
		{"hashed token", "Bearer hashed-token", "PUT", "team_c", http.StatusAccepted, ""},
		{"digest is not a token", "Bearer " + hex.EncodeToString(digest[:]), "GET", "team_c", http.StatusUnauthorized, "unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/v8/artifacts/"+hashA+"?slug="+tc.team, strings.NewReader("x"))
			if tc.authorization != "" {
				r.Header.Set("Authorization", tc.authorization)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tc.want, w.Code, w.Body.String())
			if tc.code != "" {
				assert.Equal(t, tc.code, errorCode(t, w))
			}
			for _, secret := range []string{"rw-token", "ro-token", "b-token", "hashed-token"} {
				assert.NotContains(t, w.Body.String(), secret)
			}
		})
	}
	t.Run("status needs a token but no team", func(t *testing.T) {
		for authz, want := range map[string]int{"": 401, "Bearer b-token": 200, "Bearer ro-token": 200} {
			r := httptest.NewRequest("GET", "/v8/artifacts/status", nil)
			r.Header.Set("Authorization", authz)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, want, w.Code, authz)
		}
	})
	assert.NotContains(t, logs.String(), "token\"", "tokens in the logs")
	for _, secret := range []string{"rw-token", "ro-token", "b-token", "hashed-token"} {
		assert.NotContains(t, logs.String(), secret)
	}
}

func TestNewTokenAuthErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tokens []httpapi.Token
		want   string
	}{
		{"none", nil, "no tokens"},
		{"empty", []httpapi.Token{{Name: "x"}}, "neither Secret nor SHA256"},
		{"both", []httpapi.Token{{Secret: "a", SHA256: strings.Repeat("0", 64)}}, "both Secret and SHA256"},
		{"short digest", []httpapi.Token{{SHA256: "abcd"}}, "64 hex digits"},
		{"bad team", []httpapi.Token{{Secret: "a", Teams: []string{"../b"}}}, "invalid team"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := httpapi.NewTokenAuth(tc.tokens...)
			require.ErrorContains(t, err, tc.want)
			for _, tok := range tc.tokens {
				if tok.Secret != "" {
					assert.NotContains(t, err.Error(), "\""+tok.Secret+"\"")
				}
			}
		})
	}
}

func TestCustomAuthenticator(t *testing.T) {
	boom := errors.New("identity provider unreachable")
	for _, tc := range []struct {
		name   string
		access httpapi.Access
		err    error
		want   int
	}{
		{"read-write", httpapi.ReadWrite, nil, http.StatusAccepted},
		{"read-only", httpapi.ReadOnly, nil, http.StatusForbidden},
		{"no access", httpapi.NoAccess, nil, http.StatusForbidden},
		{"unauthenticated", httpapi.NoAccess, httpapi.ErrUnauthenticated, http.StatusUnauthorized},
		{"forbidden", httpapi.NoAccess, httpapi.ErrForbidden, http.StatusForbidden},
		{"unavailable", httpapi.NoAccess, fmt.Errorf("%w: %w", httpapi.ErrUnavailable, boom), http.StatusServiceUnavailable},
		{"failure", httpapi.NoAccess, boom, http.StatusInternalServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gotTeam string
			auth := httpapi.AuthenticatorFunc(func(r *http.Request, team string) (httpapi.Access, error) {
				gotTeam = team
				return tc.access, tc.err
			})
			h, err := httpapi.New(memstore.New(nil), &httpapi.Options{Auth: auth})
			require.NoError(t, err)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("PUT", "/v8/artifacts/"+hashA+"?teamId=team_q", strings.NewReader("x")))
			assert.Equal(t, tc.want, w.Code)
			assert.Equal(t, "team_q", gotTeam)
			assert.NotContains(t, w.Body.String(), boom.Error())
		})
	}
}

func TestBearerToken(t *testing.T) {
	for header, want := range map[string]string{
		"Bearer abc": "abc", "bearer abc": "abc", "BeArEr  abc ": "abc",
		"Bearer": "", "Bearerabc": "", "Token abc": "", "": "",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", header)
		got, ok := httpapi.BearerToken(r)
		assert.Equal(t, want, got, header)
		assert.Equal(t, want != "", ok, header)
	}
}
