package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/oidctest"
	"github.com/turbocache/turbocache/internal/syncbuf"
)

const (
	oidcAudience = "https://cache.example.com"
	oidcRules    = `# claims                               access  teams
repository_owner=acme,ref=refs/heads/main  rw      web
repository_owner=acme                      ro      web
`
)

func writeRules(t *testing.T, text string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "rules")
	require.NoError(t, os.WriteFile(name, []byte(text), 0o600))
	return name
}

// TestOIDC serves JWTs and static tokens at once.
func TestOIDC(t *testing.T) {
	is := oidctest.Start(t)
	s := startServer(t, map[string]string{
		"OIDC_ISSUER": is.URL, "OIDC_AUDIENCE": oidcAudience, "OIDC_RULES": writeRules(t, oidcRules),
		"TURBO_TOKEN": "static-rw", "TURBO_READ_ONLY_TOKENS": "static-ro", "LOG_LEVEL": "debug",
	})
	rw := is.Token(t, oidcAudience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"})
	ro := is.Token(t, oidcAudience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/pr"})
	none := is.Token(t, oidcAudience, map[string]any{"repository_owner": "other"})
	path := "/v8/artifacts/0123abcd?slug=web"
	for _, tc := range []struct {
		name, method, path, token string
		want                      int
	}{
		{"JWT, rw rule", "PUT", path, rw, http.StatusAccepted},
		{"JWT, ro rule, read", "GET", path, ro, http.StatusOK},
		{"JWT, ro rule, write", "PUT", path, ro, http.StatusForbidden},
		{"JWT, other team", "GET", "/v8/artifacts/0123abcd?slug=docs", rw, http.StatusForbidden},
		{"JWT, no rule", "GET", path, none, http.StatusForbidden},
		{"JWT for another audience", "GET", path, is.Token(t, "https://other.example.com", map[string]any{"repository_owner": "acme"}), http.StatusUnauthorized},
		{"static rw token", "PUT", path, "static-rw", http.StatusAccepted},
		{"static ro token", "GET", path, "static-ro", http.StatusOK},
		{"static ro token, write", "PUT", path, "static-ro", http.StatusForbidden},
		{"unknown static token", "GET", path, "static-xx", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := s.do(t, tc.method, tc.path, tc.token, "artifact")
			assert.Equal(t, tc.want, code, body)
		})
	}
	logs := s.stderr.String()
	assert.Contains(t, logs, "accepting OIDC tokens")
	assert.Contains(t, logs, `rule="line 2"`)
	for _, secret := range []string{rw, ro, "acme", "refs/heads", "static-rw", "static-ro"} {
		assert.NotContains(t, logs, secret)
	}
}

func TestOIDCWithoutStaticTokens(t *testing.T) {
	is := oidctest.Start(t)
	s := startServer(t, map[string]string{
		"OIDC_ISSUER": is.URL, "OIDC_AUDIENCE": oidcAudience, "OIDC_RULES": writeRules(t, oidcRules),
	})
	assert.False(t, s.cfg.TokenGenerated)
	assert.Empty(t, s.cfg.Tokens)
	assert.NotContains(t, s.stdout.String(), "No TURBO_TOKEN set")
	rw := is.Token(t, oidcAudience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"})
	code, body, _ := s.do(t, "PUT", "/v8/artifacts/0123abcd?slug=web", rw, "artifact")
	assert.Equal(t, http.StatusAccepted, code, body)
	code, _, _ = s.do(t, "GET", "/v8/artifacts/0123abcd?slug=web", "not-a-jwt", "")
	assert.Equal(t, http.StatusUnauthorized, code)
}

func TestOIDCIssuerDown(t *testing.T) {
	is := oidctest.Start(t)
	tok := is.Token(t, oidcAudience, map[string]any{"repository_owner": "acme", "ref": "refs/heads/main"})
	is.Close()
	// The server starts without its issuer, and answers 503 until it is back.
	s := startServer(t, map[string]string{
		"OIDC_ISSUER": is.URL, "OIDC_AUDIENCE": oidcAudience, "OIDC_RULES": writeRules(t, oidcRules), "TURBO_TOKEN": "static-rw",
	})
	code, body, _ := s.do(t, "GET", "/v8/artifacts/0123abcd?slug=web", tok, "")
	assert.Equal(t, http.StatusServiceUnavailable, code, body)
	code, _, _ = s.do(t, "GET", "/v8/artifacts/0123abcd?slug=web", "static-rw", "")
	assert.Equal(t, http.StatusNotFound, code, "the static tokens work without the issuer")
	assert.Contains(t, s.stderr.String(), "authentication unavailable")
}

func TestOIDCConfigErrors(t *testing.T) {
	rules := writeRules(t, oidcRules)
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"audience without issuer", map[string]string{"OIDC_AUDIENCE": "x"}, "need OIDC_ISSUER"},
		{"rules without issuer", map[string]string{"OIDC_RULES": rules}, "need OIDC_ISSUER"},
		{"no audience", map[string]string{"OIDC_ISSUER": "https://issuer.example.com", "OIDC_RULES": rules}, "OIDC_AUDIENCE is required"},
		{"no rules", map[string]string{"OIDC_ISSUER": "https://issuer.example.com", "OIDC_AUDIENCE": "x"}, "OIDC_RULES is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(lookup(tc.env))
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestOIDCBadSetup checks that the server does not start with a bad rules
// file or issuer, and says why.
func TestOIDCBadSetup(t *testing.T) {
	for _, tc := range []struct {
		name, issuer, rules, want string
		namesFile                 bool
	}{
		{"rules file missing", "https://issuer.example.com", "", "OIDC_RULES: open", true},
		{"bad rule", "https://issuer.example.com", "repository_owner=acme rw web\n\nrepository_owner=acme rx web\n", "line 3: access \"rx\" is neither rw nor ro", true},
		{"empty rules file", "https://issuer.example.com", "# nothing yet\n", "no rules", true},
		{"plain http issuer", "http://issuer.example.com", oidcRules, "OIDC_ISSUER: oidcauth: issuer: ", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rules := filepath.Join(t.TempDir(), "missing")
			if tc.rules != "" {
				rules = writeRules(t, tc.rules)
			}
			cfg, err := loadConfig(lookup(map[string]string{"STORAGE_DIR": t.TempDir(),
				"OIDC_ISSUER": tc.issuer, "OIDC_AUDIENCE": oidcAudience, "OIDC_RULES": rules}))
			require.NoError(t, err)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			err = serve(context.Background(), cfg, ln, &syncbuf.Buffer{}, &syncbuf.Buffer{})
			require.ErrorContains(t, err, tc.want)
			if tc.namesFile {
				assert.Contains(t, err.Error(), rules, "the error names the file")
			}
		})
	}
}
