package main

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeTokenFile(t *testing.T, content string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(name, []byte(content), 0o600))
	return name
}

func sha(s string) string {
	d := sha256.Sum256([]byte(s))
	return hex.EncodeToString(d[:])
}

func TestTokenFileAccess(t *testing.T) {
	file := writeTokenFile(t, `
# token                 access  teams
plain-ci-token          rw      *
sha256:`+sha("hashed-dev-token")+`  ro
sha256:`+sha("web-only-token")+`  rw   web,docs
`)
	s := startServer(t, map[string]string{
		"TURBO_TOKEN_FILE": file, "TURBO_TOKEN": "env-token", "TURBO_READ_ONLY_TOKENS": "env-ro-token",
	})
	put := func(token, team string) int {
		code, _, _ := s.do(t, "PUT", "/v8/artifacts/abcd?slug="+team, token, "data")
		return code
	}
	get := func(token, team string) int {
		code, _, _ := s.do(t, "GET", "/v8/artifacts/abcd?slug="+team, token, "")
		return code
	}
	assert.Equal(t, http.StatusAccepted, put("plain-ci-token", "web"))
	assert.Equal(t, http.StatusAccepted, put("env-token", "api"))
	assert.Equal(t, http.StatusAccepted, put("web-only-token", "docs"))
	assert.Equal(t, http.StatusForbidden, put("web-only-token", "api"), "a token limited to other teams")
	assert.Equal(t, http.StatusForbidden, get("web-only-token", "api"), "a token limited to other teams")
	assert.Equal(t, http.StatusForbidden, put("hashed-dev-token", "web"), "a read-only token uploading")
	assert.Equal(t, http.StatusForbidden, put("env-ro-token", "web"), "a read-only token uploading")
	assert.Equal(t, http.StatusOK, get("hashed-dev-token", "web"), "a read-only token given as a digest")
	assert.Equal(t, http.StatusOK, get("env-ro-token", "api"))
	assert.Equal(t, http.StatusUnauthorized, get(sha("hashed-dev-token"), "web"), "the digest is not a token")
	assert.Equal(t, http.StatusUnauthorized, get("nope", "web"))

	for _, secret := range []string{"plain-ci-token", "hashed-dev-token", "web-only-token", "env-token", "env-ro-token"} {
		assert.NotContains(t, s.stderr.String()+s.stdout.String(), secret, "a token in the output")
	}
}

func TestTokenFileErrors(t *testing.T) {
	for _, tc := range []struct {
		content string
		want    string
	}{
		{"", "holds no token"},
		{"# only comments\n\n", "holds no token"},
		{"tok rx", `line 1: access "rx" is neither rw nor ro`},
		{"ok\ntok rw web extra", "line 2: 4 fields"},
		{"sha256:abc", "SHA256 is not 64 hex digits"},
		{"tok rw bad/team", "bad/team"},
	} {
		_, err := authenticator(config{TokenFile: writeTokenFile(t, tc.content)})
		require.Error(t, err, "%q", tc.content)
		assert.Contains(t, err.Error(), tc.want)
		assert.NotContains(t, err.Error(), "tok ", "a secret in an error")
	}
	_, err := authenticator(config{TokenFile: filepath.Join(t.TempDir(), "missing")})
	assert.ErrorContains(t, err, "TURBO_TOKEN_FILE")
}
