package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// Token describes one bearer token that [TokenAuth] accepts.
//
// Exactly one of Secret and SHA256 is set: Secret is the token itself,
// SHA256 the hexadecimal SHA-256 digest of it, for configurations that should
// not hold the token in clear.
type Token struct {
	// Name identifies the token in errors and logs; the token itself never
	// appears in either. Optional.
	Name string
	// Secret is the token as clients send it.
	Secret string
	// SHA256 is the hex-encoded SHA-256 digest of the token.
	SHA256 string
	// ReadOnly tokens may download but not upload artifacts.
	ReadOnly bool
	// Teams, when not empty, are the only teams the token may access.
	// Case does not matter (see CanonicalTeam).
	Teams []string
}

// TokenAuth is an [Authenticator] for bearer tokens. It keeps only the
// SHA-256 digests of its tokens and compares digests in constant time, so
// neither a token's content nor its length leaks through timing.
type TokenAuth struct {
	tokens []tokenEntry
}

type tokenEntry struct {
	name     string
	digest   [sha256.Size]byte
	readOnly bool
	teams    []string
}

// NewTokenAuth returns a TokenAuth that accepts the given tokens. It fails if
// a token sets both or neither of Secret and SHA256, if a digest is not 64
// hex digits, if a team name is invalid, or if two tokens are the same
// (compared by digest, so a Secret and the SHA256 of it are the same).
func NewTokenAuth(tokens ...Token) (*TokenAuth, error) {
	if len(tokens) == 0 {
		return nil, errors.New("httpapi: token auth: no tokens")
	}
	a := &TokenAuth{tokens: make([]tokenEntry, 0, len(tokens))}
	seen := make(map[[sha256.Size]byte]string, len(tokens))
	for i, t := range tokens {
		label := t.Name
		if label == "" {
			label = fmt.Sprintf("#%d", i+1)
		}
		e := tokenEntry{name: label, readOnly: t.ReadOnly}
		switch {
		case t.Secret != "" && t.SHA256 != "":
			return nil, fmt.Errorf("httpapi: token %s: both Secret and SHA256 are set", label)
		case t.Secret != "":
			e.digest = sha256.Sum256([]byte(t.Secret))
		case t.SHA256 != "":
			d, err := hex.DecodeString(t.SHA256)
			if err != nil || len(d) != sha256.Size {
				return nil, fmt.Errorf("httpapi: token %s: SHA256 is not %d hex digits", label, 2*sha256.Size)
			}
			copy(e.digest[:], d)
		default:
			return nil, fmt.Errorf("httpapi: token %s: neither Secret nor SHA256 is set", label)
		}
		for _, team := range t.Teams {
			if err := ValidTeam(team); err != nil {
				return nil, fmt.Errorf("httpapi: token %s: %w", label, err)
			}
			e.teams = append(e.teams, CanonicalTeam(team))
		}
		// Only one entry could match the token: which one would be an
		// accident of order, and its access a surprise.
		if first, dup := seen[e.digest]; dup {
			return nil, fmt.Errorf("httpapi: tokens %s and %s are the same token", first, label)
		}
		seen[e.digest] = label
		a.tokens = append(a.tokens, e)
	}
	return a, nil
}

// Authenticate checks the request's bearer token against every configured
// token and grants the access of the one it matches.
func (a *TokenAuth) Authenticate(r *http.Request, team string) (Access, error) {
	tok, ok := BearerToken(r)
	if !ok {
		return NoAccess, fmt.Errorf("%w: no bearer token", ErrUnauthenticated)
	}
	e := a.match(tok)
	if e == nil {
		return NoAccess, fmt.Errorf("%w: unknown token", ErrUnauthenticated)
	}
	if team != "" && len(e.teams) > 0 && !slices.Contains(e.teams, CanonicalTeam(team)) {
		return NoAccess, fmt.Errorf("%w: token %s may not access team %q", ErrForbidden, e.name, team)
	}
	if e.readOnly {
		return ReadOnly, nil
	}
	return ReadWrite, nil
}

// match returns the configured token tok is, or nil. It compares tok's
// digest with every token, not stopping at a match, so that the time taken
// does not say which token matched.
func (a *TokenAuth) match(tok string) *tokenEntry {
	digest := sha256.Sum256([]byte(tok))
	var match *tokenEntry
	for i := range a.tokens {
		if subtle.ConstantTimeCompare(digest[:], a.tokens[i].digest[:]) == 1 {
			match = &a.tokens[i]
		}
	}
	return match
}
