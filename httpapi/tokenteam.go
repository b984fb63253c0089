package httpapi

import "net/http"

// TeamOf returns the team of the request's bearer token when the token is
// limited to exactly one team, and "" otherwise (no token, an unknown one,
// or one for several or all teams). Protocols whose requests name no team,
// such as Nx's, use it to give each such token its team.
func (a *TokenAuth) TeamOf(r *http.Request) string {
	tok, ok := BearerToken(r)
	if !ok {
		return ""
	}
	if e := a.match(tok); e != nil && len(e.teams) == 1 {
		return e.teams[0]
	}
	return ""
}
