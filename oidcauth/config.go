package oidcauth

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/turbocache/turbocache/httpapi"
)

// Defaults of the Config fields left zero.
const (
	// DefaultClockSkew is how far the clocks of the issuer and this server
	// may disagree about exp, nbf and iat.
	DefaultClockSkew = 30 * time.Second
	// DefaultRefreshInterval is the shortest time between two fetches of
	// the issuer's key set (or two discovery attempts).
	DefaultRefreshInterval = 30 * time.Second
	// DefaultCacheSize is how many verified tokens are remembered.
	DefaultCacheSize = 1024
	// DefaultTimeout bounds one request to the issuer when
	// Config.HTTPClient is nil.
	DefaultTimeout = 10 * time.Second
)

// asymmetric are the signature algorithms accepted when Config.Algorithms
// is empty, and the only ones it may name: every asymmetric one go-jose
// implements.
var asymmetric = []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"}

// Config configures an [Authenticator]. Issuer, Audience and Rules are
// required; every other zero field means its default.
type Config struct {
	// Issuer is the issuer's URL, exactly as tokens carry it in their iss
	// claim, such as https://token.actions.githubusercontent.com. Its keys
	// are found through <Issuer>/.well-known/openid-configuration. It must
	// be https, or http on a loopback IP address (for tests).
	Issuer string

	// Audience must be one of a token's aud values. Choose one for this
	// cache (its URL, say), so that tokens minted for other services are
	// refused.
	Audience string

	// Rules map claims to access; the first rule that matches a token
	// decides. A valid token that matches no rule is refused with 403.
	Rules []Rule

	// Algorithms are the signature algorithms accepted. Empty means every
	// asymmetric one: RS256, RS384, RS512, ES256, ES384, ES512, PS256,
	// PS384, PS512 and EdDSA; only these may be named. "none" and the HMAC
	// ones (HS256...) are refused, since an HMAC key would be the issuer's
	// public key.
	Algorithms []string

	// ClockSkew is the leeway for exp, nbf and iat. Zero means
	// DefaultClockSkew; a negative value means none.
	ClockSkew time.Duration

	// RefreshInterval is the shortest time between two fetches of the key
	// set, which a token signed with an unknown key triggers (the issuer
	// rotated its keys, or a forger picked a key ID), and between two
	// discovery attempts while the issuer is unreachable. Zero means
	// DefaultRefreshInterval.
	RefreshInterval time.Duration

	// CacheSize is how many verified tokens are remembered (by SHA-256
	// digest, until they expire) so that their signature is checked once,
	// not on every request. Zero means DefaultCacheSize; negative means no
	// cache.
	CacheSize int

	// HTTPClient fetches the discovery document and the key set: its
	// Transport, CheckRedirect, Jar and Timeout are used. Nil, or a zero
	// Timeout, means a DefaultTimeout timeout. Responses are bounded to
	// 1 MiB, and redirects must keep to https (or loopback http).
	HTTPClient *http.Client

	// Fallback, when set, authenticates the requests whose bearer token is
	// not a JWT (such as an httpapi.TokenAuth of static tokens), so that
	// both kinds of token work at once. Nil refuses them with 401. A token
	// is taken for a JWT when it has three dot-separated parts, the first
	// a base64url-encoded JSON object; such a token never reaches Fallback,
	// valid or not.
	Fallback httpapi.Authenticator

	// Logger receives which rule granted what (by rule line, never a token
	// or a claim) and the issuer's failures. Nil means no logging.
	Logger *slog.Logger

	// Now returns the current time; nil means time.Now. For tests.
	Now func() time.Time
}

// checkIssuerURL enforces the issuer URL's form, and for every URL fetched
// from the issuer, its transport: https, or http to a loopback IP address.
func checkIssuerURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not an issuer URL (https://host[/path], no user, query or fragment)", raw)
	}
	return checkTransport(u)
}

func checkTransport(u *url.URL) error {
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsLoopback() {
			return nil
		}
		return fmt.Errorf("%q: http is accepted only on a loopback IP address; use https", u.Redacted())
	}
	return fmt.Errorf("%q: scheme is not https", u.Redacted())
}

// checkAlgorithms refuses the algorithms that are not asymmetric signature
// algorithms.
func checkAlgorithms(algs []string) error {
	if len(algs) == 0 {
		return errors.New("no algorithms")
	}
	for _, a := range algs {
		ok := false
		for _, d := range asymmetric {
			ok = ok || a == d
		}
		if !ok {
			return fmt.Errorf("algorithm %q is not an asymmetric signature algorithm (want one of %v)", a, asymmetric)
		}
	}
	return nil
}
