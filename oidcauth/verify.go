package oidcauth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/turbocache/turbocache/httpapi"
)

// maxTokenSize bounds the tokens verified: CI tokens are 1 to 2 KiB.
const maxTokenSize = 16 << 10

// looksLikeJWT reports whether tok has the form of a compact JWT: three
// dot-separated parts, the first a base64url-encoded JSON object. Static
// tokens do not, and go to Config.Fallback.
func looksLikeJWT(tok string) bool {
	header, rest, ok := strings.Cut(tok, ".")
	if !ok || strings.Count(rest, ".") != 1 || len(header) > maxTokenSize {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(header)
	b = bytes.TrimSpace(b)
	return err == nil && len(b) > 0 && b[0] == '{' && json.Valid(b)
}

// unauthenticated is a 401 with a fixed reason: never the verifier's own
// message, which may quote the token's claims.
func unauthenticated(reason string) error {
	return fmt.Errorf("%w: %s", httpapi.ErrUnauthenticated, reason)
}

// verify checks a JWT's signature against the issuer's keys and its iss,
// aud, exp, nbf and iat claims, and returns its claims and expiry.
func (a *Authenticator) verify(ctx context.Context, raw string) (claims, time.Time, error) {
	if len(raw) > maxTokenSize {
		return nil, time.Time{}, unauthenticated("the token is too large")
	}
	// The algorithm is checked here: go-oidc's key set accepts any
	// asymmetric one. "none" and HMAC are never in a.algs.
	jws, err := jose.ParseSignedCompact(raw, a.algs)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, time.Time{}, unauthenticated("the token is not a JWT signed with an accepted algorithm")
	}
	keys, err := a.issuer.keySet(ctx)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("%w: %w", httpapi.ErrUnavailable, err)
	}
	payload, err := keys.VerifySignature(ctx, raw)
	switch {
	case err == nil:
	case errors.Is(err, errIssuerUnavailable):
		return nil, time.Time{}, fmt.Errorf("%w: %w", httpapi.ErrUnavailable, err)
	case ctx.Err() != nil:
		return nil, time.Time{}, fmt.Errorf("%w: %w", httpapi.ErrUnavailable, ctx.Err())
	default:
		// No key verifies it: the current keys, refetched at most once per
		// refresh interval (errRefreshLimited), and the signature is wrong
		// or made with a key the issuer does not publish.
		return nil, time.Time{}, unauthenticated("the token's signature does not verify with the issuer's keys")
	}

	var std jwt.Claims
	if err := json.Unmarshal(payload, &std); err != nil {
		return nil, time.Time{}, unauthenticated("the token's registered claims are malformed")
	}
	if std.Expiry == nil {
		return nil, time.Time{}, unauthenticated("the token has no expiry (exp)")
	}
	err = std.ValidateWithLeeway(jwt.Expected{Issuer: a.issuer.url, AnyAudience: jwt.Audience{a.audience}, Time: a.now()}, a.skew)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return nil, time.Time{}, unauthenticated("the token is not from the issuer " + a.issuer.url)
	case errors.Is(err, jwt.ErrInvalidAudience):
		return nil, time.Time{}, unauthenticated("the token is not for the audience " + a.audience)
	case errors.Is(err, jwt.ErrExpired):
		return nil, time.Time{}, unauthenticated("the token has expired")
	case errors.Is(err, jwt.ErrNotValidYet):
		return nil, time.Time{}, unauthenticated("the token is not valid yet (nbf)")
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return nil, time.Time{}, unauthenticated("the token is issued in the future (iat)")
	default:
		return nil, time.Time{}, unauthenticated("the token's claims are invalid")
	}

	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var c claims
	if err := dec.Decode(&c); err != nil {
		return nil, time.Time{}, unauthenticated("the token's claims are malformed")
	}
	return c, std.Expiry.Time(), nil
}
