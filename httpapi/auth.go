package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// Access is what an authenticated request may do with a team's artifacts.
type Access uint8

const (
	// NoAccess permits nothing; the request is answered 403.
	NoAccess Access = iota
	// ReadOnly permits downloads, queries and events, but no uploads.
	ReadOnly
	// ReadWrite permits everything, uploads included.
	ReadWrite
)

// String returns the access level's name.
func (a Access) String() string {
	switch a {
	case NoAccess:
		return "none"
	case ReadOnly:
		return "read-only"
	case ReadWrite:
		return "read-write"
	}
	return "Access(" + strconv.Itoa(int(a)) + ")"
}

// ErrUnauthenticated is wrapped by an Authenticator's error when a request
// carries no credentials or wrong ones. The handler answers 401.
var ErrUnauthenticated = errors.New("httpapi: missing or invalid credentials")

// ErrForbidden is wrapped by an Authenticator's error when valid credentials
// may not access the team. The handler answers 403 with code "forbidden",
// which makes turbo stop using the cache for the rest of its run.
var ErrForbidden = errors.New("httpapi: access denied")

// ErrUnavailable is wrapped by an Authenticator's error when it cannot decide
// for now, because a service it depends on (an identity provider) cannot be
// reached. The handler answers 503, so that clients retry later rather than
// take the failure for a verdict on their credentials.
var ErrUnavailable = errors.New("httpapi: authentication temporarily unavailable")

// An Authenticator decides what a request may do with a team's artifacts.
//
// Authenticate is called once per request, after the team and hash have been
// validated and before the store is touched. team is the validated team the
// request is about; it is "" for requests about no team (the status
// endpoint), for which any valid credentials should be accepted.
//
// Authenticate returns the access granted, or an error wrapping
// [ErrUnauthenticated] (answered 401), [ErrForbidden] (answered 403) or
// [ErrUnavailable] (answered 503 and logged). Any other error is answered 500
// and logged. The messages of ErrUnauthenticated and ErrForbidden errors are
// sent to the client: they must not contain secrets.
type Authenticator interface {
	Authenticate(r *http.Request, team string) (Access, error)
}

// AuthenticatorFunc adapts an ordinary function to the Authenticator
// interface.
type AuthenticatorFunc func(r *http.Request, team string) (Access, error)

// Authenticate calls f(r, team).
func (f AuthenticatorFunc) Authenticate(r *http.Request, team string) (Access, error) {
	return f(r, team)
}

// BearerToken returns the token of an "Authorization: Bearer <token>" header,
// with the scheme name matched case-insensitively, and whether there was one.
func BearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.Trim(tok, " \t")
	return tok, tok != ""
}
