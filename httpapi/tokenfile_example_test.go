package httpapi_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/turbocache/turbocache/httpapi"
)

// A token file with a digest limited to two teams and a read-only token,
// read into a TokenAuth; usually the reader is an opened file and the name
// its path.
func ExampleParseTokenFile() {
	file := `
# token                                                                   access  teams
sha256:376371e4ed420ef2fb0d96b577efa596d5a504248a9f0f222181c7ba3462699f   rw      web,docs
developers-read-only-token                                                ro
`
	tokens, err := httpapi.ParseTokenFile(strings.NewReader(file), "tokens.txt")
	if err != nil {
		panic(err)
	}
	auth, err := httpapi.NewTokenAuth(tokens...)
	if err != nil {
		panic(err)
	}
	for _, try := range []struct{ token, team string }{
		{"web-docs-token-1234", "docs"},
		{"web-docs-token-1234", "api"},
		{"developers-read-only-token", "api"},
	} {
		r := httptest.NewRequest("GET", "/v8/artifacts/c0ffee", nil)
		r.Header.Set("Authorization", "Bearer "+try.token)
		access, err := auth.Authenticate(r, try.team)
		fmt.Println(try.team, access, err)
	}

	_, err = httpapi.ParseTokenFile(strings.NewReader("some-token rw ,"), "tokens.txt")
	fmt.Println(err)
	// Output:
	// docs read-write <nil>
	// api none httpapi: access denied: token line 3 may not access team "api"
	// api read-only <nil>
	// tokens.txt, line 1: the team list "," names no team (write * for every team)
}
