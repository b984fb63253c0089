package oidcauth_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/oidcauth"
	"github.com/turbocache/turbocache/storage/memstore"
)

// Rules for GitHub Actions: the main branch of acme's repositories may
// upload for two teams, every other workflow of acme only download.
func ExampleParseRules() {
	rules, err := oidcauth.ParseRules(strings.NewReader(`
# claim=value[,claim=value...]             access  teams
repository_owner=acme,ref=refs/heads/main  rw      web,docs
repository_owner=acme,ref=refs/tags/v*     rw      *
repository_owner=acme                      ro      web,docs
`))
	if err != nil {
		panic(err)
	}
	for _, r := range rules {
		fmt.Printf("line %d: %s\n", r.Line, r)
	}
	_, err = oidcauth.ParseRules(strings.NewReader("repository_owner=acme rx web\n"))
	fmt.Println(err)
	// Output:
	// line 3: repository_owner=acme,ref=refs/heads/main rw web,docs
	// line 4: repository_owner=acme,ref=refs/tags/v* rw *
	// line 5: repository_owner=acme ro web,docs
	// line 1: access "rx" is neither rw nor ro
}

// JWTs from GitHub Actions beside static tokens: a bearer token that is not
// a JWT goes to the static tokens. The issuer is contacted on the first JWT
// only.
func ExampleNew() {
	static, err := httpapi.NewTokenAuth(httpapi.Token{Name: "laptops", Secret: "dev-secret", ReadOnly: true})
	if err != nil {
		panic(err)
	}
	auth, err := oidcauth.New(&oidcauth.Config{
		Issuer:   "https://token.actions.githubusercontent.com",
		Audience: "https://turbo-cache.acme.example",
		Rules: []oidcauth.Rule{{
			Claims: []oidcauth.ClaimMatch{{Claim: "repository_owner", Value: "acme"}, {Claim: "ref", Value: "refs/heads/main"}},
			Access: httpapi.ReadWrite,
			Teams:  []string{"web"},
		}},
		Fallback: static,
	})
	if err != nil {
		panic(err)
	}
	h, err := httpapi.New(memstore.New(nil), &httpapi.Options{Auth: auth})
	if err != nil {
		panic(err)
	}
	for _, method := range []string{"GET", "PUT"} {
		r := httptest.NewRequest(method, "/v8/artifacts/0123abcd?slug=web", strings.NewReader("x"))
		r.Header.Set("Authorization", "Bearer dev-secret")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(method, w.Code)
	}
	// Output:
	// GET 404
	// PUT 403
}
