package main

import (
	"crypto/sha256"
	"fmt"
	"net/http"

	"github.com/turbocache/turbocache/httpapi"
)

// keyring stands for the service's own API keys: who holds each key, and
// what they may do in which team. It is the service's scheme, not httpapi's:
// any lookup (a database, a JWT, an SSO session) fits the same interface.
type keyring struct {
	// Keys are indexed by their SHA-256 digest, so the map is not a list of
	// usable secrets and lookups do not compare secrets byte by byte.
	byDigest map[[sha256.Size]byte]holder
}

type holder struct {
	user  string
	teams map[string]httpapi.Access
}

func newKeyring() *keyring {
	return &keyring{byDigest: map[[sha256.Size]byte]holder{}}
}

func (k *keyring) add(key, user string, teams map[string]httpapi.Access) {
	k.byDigest[sha256.Sum256([]byte(key))] = holder{user: user, teams: teams}
}

// Authenticate implements httpapi.Authenticator.
func (k *keyring) Authenticate(r *http.Request, team string) (httpapi.Access, error) {
	key, ok := httpapi.BearerToken(r)
	if !ok {
		return httpapi.NoAccess, fmt.Errorf("%w: send an API key as a bearer token", httpapi.ErrUnauthenticated)
	}
	h, ok := k.byDigest[sha256.Sum256([]byte(key))]
	if !ok {
		return httpapi.NoAccess, fmt.Errorf("%w: unknown API key", httpapi.ErrUnauthenticated)
	}
	if team == "" { // a request about no team: any member may ask
		return httpapi.ReadOnly, nil
	}
	access, ok := h.teams[team]
	if !ok {
		return httpapi.NoAccess, fmt.Errorf("%w: %s is not a member of team %q", httpapi.ErrForbidden, h.user, team)
	}
	return access, nil
}
