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

// TestTokenFileErrors checks that the refusals of a token file (its format
// is httpapi's, tested there) name the variable, and the path or the lines.
func TestTokenFileErrors(t *testing.T) {
	bad := writeTokenFile(t, "ok\ntok rx")
	empty := writeTokenFile(t, "# only comments\n")
	for _, tc := range []struct {
		name string
		file string
		want string
	}{
		{"a bad line", bad, "TURBO_TOKEN_FILE " + bad + `, line 2: access "rx" is neither rw nor ro`},
		{"no token", empty, "TURBO_TOKEN_FILE " + empty + " holds no token"},
		{"the same token twice", writeTokenFile(t, "tok ro web\ntok rw *"), "TURBO_TOKEN_FILE line 1 and TURBO_TOKEN_FILE line 2 are the same token"},
		{"a bad digest", writeTokenFile(t, "sha256:abc"), "TURBO_TOKEN_FILE line 1: SHA256 is not 64 hex digits"},
		{"no file", filepath.Join(t.TempDir(), "missing"), "TURBO_TOKEN_FILE: open "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := authenticator(config{TokenFile: tc.file, AllowShortTokens: true})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "tok ", "a secret in an error")
		})
	}
}

// TestTokenMistakes checks the refusals of tokens whose configuration
// grants more than it seems to: a digest given as a token, a short token
// given by accident, and a token given twice.
func TestTokenMistakes(t *testing.T) {
	long := "a-token-of-24-characters"
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // "" when the configuration is accepted
	}{
		{"digest as TURBO_TOKEN", map[string]string{"TURBO_TOKEN": "sha256:" + sha(long)},
			"TURBO_TOKEN#1 starts with sha256: tokens given as digests belong in TURBO_TOKEN_FILE"},
		{"digest as a read-only token", map[string]string{"TURBO_READ_ONLY_TOKENS": long + ",sha256:" + sha(long)},
			"TURBO_READ_ONLY_TOKENS#2 starts with sha256:"},
		{"short TURBO_TOKEN", map[string]string{"TURBO_TOKEN": "tiny-secret"}, "TURBO_TOKEN#1 is 11 characters long, shorter than 16"},
		{"short read-only token", map[string]string{"TURBO_READ_ONLY_TOKENS": "fifteen-chars-x"}, "TURBO_READ_ONLY_TOKENS#1 is 15 characters long"},
		{"short token in the file", map[string]string{"TURBO_TOKEN_FILE": writeTokenFile(t, long+"\ntiny5 ro")}, "TURBO_TOKEN_FILE line 2 is 5 characters long"},
		{"short tokens allowed", map[string]string{"TURBO_TOKEN": "tiny5", "ALLOW_SHORT_TOKENS": "true"}, ""},
		{"sixteen characters", map[string]string{"TURBO_TOKEN": "sixteen-chars-xx"}, ""},
		{"a digest in the file is no short token", map[string]string{"TURBO_TOKEN_FILE": writeTokenFile(t, "sha256:"+sha("x"))}, ""},
		{"the same token twice", map[string]string{"TURBO_TOKEN": long + "," + long}, "TURBO_TOKEN#1 and TURBO_TOKEN#2 are the same token"},
		{"read-only and read-write", map[string]string{"TURBO_TOKEN": long, "TURBO_READ_ONLY_TOKENS": long},
			"TURBO_TOKEN#1 and TURBO_READ_ONLY_TOKENS#1 are the same token"},
		{"variable and file", map[string]string{"TURBO_READ_ONLY_TOKENS": long, "TURBO_TOKEN_FILE": writeTokenFile(t, "sha256:"+sha(long)+" rw *")},
			"TURBO_READ_ONLY_TOKENS#1 and TURBO_TOKEN_FILE line 1 are the same token"},
		{"short METRICS_TOKEN", map[string]string{"TURBO_TOKEN": long, "METRICS_TOKEN": "m"}, "METRICS_TOKEN is 1 characters long"},
		{"bad ALLOW_SHORT_TOKENS", map[string]string{"ALLOW_SHORT_TOKENS": "yes please"}, `ALLOW_SHORT_TOKENS="yes please"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(lookup(tc.env))
			if err == nil {
				_, err = authenticator(cfg)
			}
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			for _, secret := range []string{long, "tiny-secret", "tiny5", "fifteen-chars-x"} {
				assert.NotContains(t, err.Error(), secret, "a secret in an error")
			}
		})
	}
}
