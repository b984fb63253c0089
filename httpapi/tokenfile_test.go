package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
)

func hexDigest(s string) string {
	d := sha256.Sum256([]byte(s))
	return hex.EncodeToString(d[:])
}

func TestParseTokenFile(t *testing.T) {
	web := hexDigest("web-only-token")
	tokens, err := httpapi.ParseTokenFile(strings.NewReader(`
# token  access  teams
plain-token
	read-only-token   ro
sha256:`+strings.ToUpper(web)+`   rw   web,,Docs
everything-token  rw  *
`), "tokens")
	require.NoError(t, err)
	assert.Equal(t, []httpapi.Token{
		{Name: "line 3", Secret: "plain-token"},
		{Name: "line 4", Secret: "read-only-token", ReadOnly: true},
		{Name: "line 5", SHA256: web, Teams: []string{"web", "Docs"}},
		{Name: "line 6", Secret: "everything-token"},
	}, tokens)
}

// TestTokenFileErrors checks the refusals of a token file, by
// ParseTokenFile (its format) and then NewTokenAuth (its tokens): each
// names the file or the lines, and none holds a secret.
func TestTokenFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		want    string
	}{
		{"empty", "", "tokens holds no token"},
		{"comments only", "# only comments\n\n", "tokens holds no token"},
		{"bad access", "tok rx", `tokens, line 1: access "rx" is neither rw nor ro`},
		{"four fields", "ok\ntok rw web extra", "tokens, line 2: 4 fields, want at most 3 (token, access, teams)"},
		{"empty team list", "tok rw ,", `tokens, line 1: the team list "," names no team (write * for every team)`},
		{"team list of commas", "ok\ntok ro ,,", `tokens, line 2: the team list ",," names no team`},
		{"line too long", "ok\n" + strings.Repeat("x", 70_000), "tokens: bufio.Scanner: token too long"},
		{"short digest", "sha256:abc", "token line 1: SHA256 is not 64 hex digits"},
		{"bad team", "tok rw web,bad/team", "token line 1: " + `invalid team "bad/team"`},
		{"the same token twice", "tok ro web\ntok rw *", "tokens line 1 and line 2 are the same token"},
		{"a token and its digest", "# a comment\ntok ro web\n\nsha256:" + hexDigest("tok") + " rw", "tokens line 2 and line 4 are the same token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tokens, err := httpapi.ParseTokenFile(strings.NewReader(tc.content), "tokens")
			if err == nil {
				_, err = httpapi.NewTokenAuth(tokens...)
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "tok ", "a secret in an error")
		})
	}
}
