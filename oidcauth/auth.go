package oidcauth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/turbocache/turbocache/httpapi"
)

// Authenticator is an [httpapi.Authenticator] for JWTs from one OIDC issuer,
// granting access by [Rule]. It is safe for concurrent use.
//
// Its answers: a token that is malformed, expired, not yet valid, from
// another issuer or audience, signed with another algorithm or an unknown
// key, or whose signature does not verify, is refused with an error wrapping
// httpapi.ErrUnauthenticated (401); a valid token that matches no rule, or
// whose rule does not grant the team, with httpapi.ErrForbidden (403); and
// while the issuer cannot be reached and no key it published is known, with
// httpapi.ErrUnavailable (503).
type Authenticator struct {
	audience string
	rules    []Rule
	algs     []jose.SignatureAlgorithm
	skew     time.Duration
	fallback httpapi.Authenticator
	log      *slog.Logger
	now      func() time.Time
	issuer   *issuer
	cache    *verdictCache
}

// New returns an Authenticator configured by cfg. It checks the
// configuration but does not contact the issuer: that happens on the first
// JWT, and again while the issuer is unreachable.
func New(cfg *Config) (*Authenticator, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	if cfg.Issuer == "" {
		return nil, errors.New("oidcauth: no issuer")
	}
	if err := checkIssuerURL(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("oidcauth: issuer: %w", err)
	}
	if cfg.Audience == "" {
		return nil, errors.New("oidcauth: no audience")
	}
	if len(cfg.Rules) == 0 {
		return nil, errors.New("oidcauth: no rules: every token would be refused")
	}
	a := &Authenticator{
		audience: cfg.Audience,
		rules:    make([]Rule, len(cfg.Rules)),
		skew:     cfg.ClockSkew,
		fallback: cfg.Fallback,
		log:      cfg.Logger,
		now:      cfg.Now,
	}
	for i, r := range cfg.Rules {
		if err := r.validate(); err != nil {
			return nil, fmt.Errorf("oidcauth: rule %s: %w", r.name(i), err)
		}
		r.Claims, r.Teams = slices.Clone(r.Claims), slices.Clone(r.Teams)
		a.rules[i] = r
	}
	algs := cfg.Algorithms
	if len(algs) == 0 {
		algs = asymmetric
	}
	if err := checkAlgorithms(algs); err != nil {
		return nil, fmt.Errorf("oidcauth: %w", err)
	}
	for _, alg := range algs {
		a.algs = append(a.algs, jose.SignatureAlgorithm(alg))
	}
	switch {
	case a.skew == 0:
		a.skew = DefaultClockSkew
	case a.skew < 0:
		a.skew = 0
	}
	interval := cfg.RefreshInterval
	switch {
	case interval < 0:
		return nil, fmt.Errorf("oidcauth: negative refresh interval %s", interval)
	case interval == 0:
		interval = DefaultRefreshInterval
	}
	size := cfg.CacheSize
	if size == 0 {
		size = DefaultCacheSize
	}
	a.cache = newVerdictCache(size)
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.issuer = newIssuer(cfg.Issuer, cfg.HTTPClient, interval, a.now)
	return a, nil
}

// Authenticate grants the access of the first rule that matches the
// request's JWT, if that rule grants the team. A bearer token that is not a
// JWT goes to Config.Fallback.
func (a *Authenticator) Authenticate(r *http.Request, team string) (httpapi.Access, error) {
	tok, ok := httpapi.BearerToken(r)
	if !ok || !looksLikeJWT(tok) {
		if a.fallback != nil {
			return a.fallback.Authenticate(r, team)
		}
		if !ok {
			return httpapi.NoAccess, unauthenticated("no bearer token")
		}
		return httpapi.NoAccess, unauthenticated("the bearer token is not a JWT")
	}
	v, err := a.verdict(r.Context(), tok)
	if err != nil {
		// The handler logs unavailability (503) as a warning; the reasons
		// for 401s are fixed texts, never the token's claims.
		a.log.LogAttrs(r.Context(), slog.LevelDebug, "oidcauth: token refused", slog.Any("err", err))
		return httpapi.NoAccess, err
	}
	if v.rule < 0 {
		return httpapi.NoAccess, fmt.Errorf("%w: no rule grants this token access", httpapi.ErrForbidden)
	}
	rule := &a.rules[v.rule]
	if !rule.grants(team) {
		a.log.LogAttrs(r.Context(), slog.LevelDebug, "oidcauth: team not granted",
			slog.String("rule", rule.name(v.rule)), slog.String("team", team))
		return httpapi.NoAccess, fmt.Errorf("%w: the token's rule (%s) does not grant team %q", httpapi.ErrForbidden, rule.name(v.rule), team)
	}
	a.log.LogAttrs(r.Context(), slog.LevelDebug, "oidcauth: access granted",
		slog.String("rule", rule.name(v.rule)), slog.String("team", team), slog.String("access", rule.Access.String()))
	return rule.Access, nil
}

// verdict verifies a token, or finds it verified before, and picks its rule.
func (a *Authenticator) verdict(ctx context.Context, tok string) (verdict, error) {
	digest := sha256.Sum256([]byte(tok))
	if v, ok := a.cache.get(digest, a.now()); ok {
		return v, nil
	}
	c, expiry, err := a.verify(ctx, tok)
	if err != nil {
		return verdict{}, err
	}
	v := verdict{rule: -1, expiry: expiry}
	for i := range a.rules {
		if a.rules[i].matches(c) {
			v.rule = i
			break
		}
	}
	// Logged once per token, not per request; the rule, never the claims.
	if v.rule < 0 {
		a.log.LogAttrs(ctx, slog.LevelInfo, "oidcauth: valid token matches no rule")
	} else {
		rule := &a.rules[v.rule]
		a.log.LogAttrs(ctx, slog.LevelInfo, "oidcauth: token verified",
			slog.String("rule", rule.name(v.rule)), slog.String("access", rule.Access.String()))
	}
	a.cache.put(digest, v, a.now())
	return v, nil
}
