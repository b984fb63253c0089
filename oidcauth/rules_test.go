package oidcauth_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/oidctest"
	"github.com/turbocache/turbocache/oidcauth"
)

func TestParseRules(t *testing.T) {
	rules := mustRules(t, rulesText)
	require.Equal(t, []oidcauth.Rule{
		{Claims: []oidcauth.ClaimMatch{{Claim: "repository_owner", Value: "acme"}, {Claim: "ref", Value: "refs/heads/main"}},
			Access: httpapi.ReadWrite, Teams: []string{"web", "docs"}, Line: 2},
		{Claims: []oidcauth.ClaimMatch{{Claim: "repository_owner", Value: "acme"}, {Claim: "ref", Value: "refs/heads/release/", Prefix: true}},
			Access: httpapi.ReadWrite, Teams: []string{"*"}, Line: 3},
		{Claims: []oidcauth.ClaimMatch{{Claim: "repository_owner", Value: "acme"}},
			Access: httpapi.ReadOnly, Teams: []string{"web", "docs"}, Line: 5},
	}, rules)
	assert.Equal(t, "repository_owner=acme,ref=refs/heads/release/* rw *", rules[1].String())

	t.Run("values may hold = and :", func(t *testing.T) {
		rules := mustRules(t, "job_workflow_ref=acme/ci/.github/workflows/build.yml@refs/heads/main,x=a=b ro web\n")
		assert.Equal(t, "acme/ci/.github/workflows/build.yml@refs/heads/main", rules[0].Claims[0].Value)
		assert.Equal(t, "a=b", rules[0].Claims[1].Value)
	})
}

func TestParseRulesErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"empty", "", "no rules"},
		{"only comments", "# nothing\n\n", "no rules"},
		{"two fields", "a=b rw\n", "line 1: 2 fields, want 3"},
		{"four fields", "# c\na=b rw web docs\n", "line 2: 4 fields, want 3"},
		{"no equals", "a=b rw web\nowner rw web\n", "line 2: condition \"owner\" is not claim=value"},
		{"no claim name", "=acme rw web\n", "line 1: condition \"=acme\" is not claim=value"},
		{"empty condition", "a=b,,c=d rw web\n", "line 1: condition \"\" is not claim=value"},
		{"empty value", "owner= rw web\n", "line 1: claim \"owner\": empty value"},
		{"bad access", "\n\nowner=acme rx web\n", "line 3: access \"rx\" is neither rw nor ro"},
		{"empty team", "owner=acme ro web,\n", "line 1: empty team"},
		{"bad team", "owner=acme ro ../web\n", "line 1: "},
		{"star among teams", "owner=acme ro web,*\n", "line 1: \"*\" must be the only team"},
		{"too long", "owner=" + strings.Repeat("a", 70000) + " ro web\n", "line 1: longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := oidcauth.ParseRules(strings.NewReader(tc.text))
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestClaimMatch(t *testing.T) {
	is := oidctest.Start(t)
	for _, tc := range []struct {
		name  string
		rule  oidcauth.ClaimMatch
		claim any
		want  bool
	}{
		{"string", oidcauth.ClaimMatch{Claim: "c", Value: "acme"}, "acme", true},
		{"other string", oidcauth.ClaimMatch{Claim: "c", Value: "acme"}, "acme-corp", false},
		{"case matters", oidcauth.ClaimMatch{Claim: "c", Value: "acme"}, "Acme", false},
		{"prefix", oidcauth.ClaimMatch{Claim: "c", Value: "refs/tags/", Prefix: true}, "refs/tags/v1", true},
		{"prefix of nothing", oidcauth.ClaimMatch{Claim: "c", Value: "", Prefix: true}, "anything", true},
		{"not the prefix", oidcauth.ClaimMatch{Claim: "c", Value: "refs/tags/", Prefix: true}, "refs/heads/v1", false},
		{"number", oidcauth.ClaimMatch{Claim: "c", Value: "123456789012"}, 123456789012, true},
		{"boolean", oidcauth.ClaimMatch{Claim: "c", Value: "true"}, true, true},
		{"array", oidcauth.ClaimMatch{Claim: "c", Value: "admins"}, []string{"devs", "admins"}, true},
		{"array without", oidcauth.ClaimMatch{Claim: "c", Value: "admins"}, []string{"devs"}, false},
		{"object", oidcauth.ClaimMatch{Claim: "c", Value: "x", Prefix: true}, map[string]string{"x": "x"}, false},
		{"null", oidcauth.ClaimMatch{Claim: "c", Value: "", Prefix: true}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := oidcauth.New(&oidcauth.Config{Issuer: is.URL, Audience: audience,
				Rules: []oidcauth.Rule{{Claims: []oidcauth.ClaimMatch{tc.rule}, Access: httpapi.ReadOnly, Teams: []string{"*"}}}})
			require.NoError(t, err)
			claims := map[string]any{"c": tc.claim}
			if tc.claim == nil {
				claims = map[string]any{"other": "x"}
			}
			w := send(newHandler(t, a), "GET", "web", is.Token(t, audience, claims))
			want := http.StatusForbidden
			if tc.want {
				want = http.StatusNotFound
			}
			assert.Equal(t, want, w.Code, w.Body.String())
		})
	}
}

func TestNewErrors(t *testing.T) {
	rules := mustRules(t, rulesText)
	ok := oidcauth.Config{Issuer: "https://token.actions.githubusercontent.com", Audience: audience, Rules: rules}
	for _, tc := range []struct {
		name   string
		modify func(*oidcauth.Config)
		want   string
	}{
		{"valid", func(*oidcauth.Config) {}, ""},
		{"loopback http", func(c *oidcauth.Config) { c.Issuer = "http://127.0.0.1:8080" }, ""},
		{"IPv6 loopback http", func(c *oidcauth.Config) { c.Issuer = "http://[::1]:8080/issuer" }, ""},
		{"no issuer", func(c *oidcauth.Config) { c.Issuer = "" }, "no issuer"},
		{"remote http", func(c *oidcauth.Config) { c.Issuer = "http://issuer.example.com" }, "only on a loopback IP address"},
		{"localhost by name", func(c *oidcauth.Config) { c.Issuer = "http://localhost:8080" }, "only on a loopback IP address"},
		{"other scheme", func(c *oidcauth.Config) { c.Issuer = "ftp://issuer.example.com" }, "not https"},
		{"no host", func(c *oidcauth.Config) { c.Issuer = "https:///path" }, "not an issuer URL"},
		{"query", func(c *oidcauth.Config) { c.Issuer = "https://issuer.example.com?x=1" }, "not an issuer URL"},
		{"no audience", func(c *oidcauth.Config) { c.Audience = "" }, "no audience"},
		{"no rules", func(c *oidcauth.Config) { c.Rules = nil }, "no rules"},
		{"HMAC", func(c *oidcauth.Config) { c.Algorithms = []string{"RS256", "HS256"} }, "\"HS256\" is not an asymmetric"},
		{"none", func(c *oidcauth.Config) { c.Algorithms = []string{"none"} }, "\"none\" is not an asymmetric"},
		{"negative interval", func(c *oidcauth.Config) { c.RefreshInterval = -1 }, "negative refresh interval"},
		{"rule without claims", func(c *oidcauth.Config) {
			c.Rules = []oidcauth.Rule{rules[0], {Access: httpapi.ReadOnly, Teams: []string{"web"}}}
		}, "rule #2: no claims"},
		{"rule without access", func(c *oidcauth.Config) {
			c.Rules = []oidcauth.Rule{{Claims: rules[0].Claims, Teams: []string{"web"}}}
		}, "rule #1: access none"},
		{"rule without teams", func(c *oidcauth.Config) {
			c.Rules = []oidcauth.Rule{{Claims: rules[0].Claims, Access: httpapi.ReadWrite}}
		}, "rule #1: no teams"},
		{"rule with a bad team", func(c *oidcauth.Config) {
			c.Rules = []oidcauth.Rule{{Claims: rules[0].Claims, Access: httpapi.ReadWrite, Teams: []string{"a/b"}, Line: 7}}
		}, "rule line 7: "},
		{"rule with an unnamed claim", func(c *oidcauth.Config) {
			c.Rules = []oidcauth.Rule{{Claims: []oidcauth.ClaimMatch{{Value: "x"}}, Access: httpapi.ReadWrite, Teams: []string{"*"}}}
		}, "names no claim"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.modify(&cfg)
			_, err := oidcauth.New(&cfg)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := oidcauth.New(nil)
	require.ErrorContains(t, err, "no issuer")
}
