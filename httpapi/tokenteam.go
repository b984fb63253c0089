package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
)

// TeamOf returns the team of the request's bearer token when the token is
// limited to exactly one team, and "" otherwise (no token, an unknown one,
// or one for several or all teams). Protocols whose requests name no team,
// such as Nx's, use it to give each such token its team.
func (a *TokenAuth) TeamOf(r *http.Request) string {
	tok, ok := BearerToken(r)
	if !ok {
		return ""
	}
	digest := sha256.Sum256([]byte(tok))
	team := ""
	for i := range a.tokens {
		// Compare with every token, as Authenticate does.
		if subtle.ConstantTimeCompare(digest[:], a.tokens[i].digest[:]) == 1 && len(a.tokens[i].teams) == 1 {
			team = a.tokens[i].teams[0]
		}
	}
	return team
}
