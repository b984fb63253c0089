package oidcauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// issuer finds the issuer's key set through discovery, on first use rather
// than at construction, so that a server starts while its issuer is down
// and answers 503 until the issuer is back.
type issuer struct {
	url      string
	client   *http.Client // through documentTransport
	interval time.Duration
	now      func() time.Time

	mu      sync.Mutex
	keys    *oidc.RemoteKeySet // nil until discovery succeeds
	last    time.Time          // of the last failed discovery attempt
	lastErr error
}

func newIssuer(issuerURL string, base *http.Client, interval time.Duration, now func() time.Time) *issuer {
	client := &http.Client{Timeout: DefaultTimeout}
	next := http.DefaultTransport
	if base != nil {
		client.CheckRedirect, client.Jar = base.CheckRedirect, base.Jar
		if base.Timeout > 0 {
			client.Timeout = base.Timeout
		}
		if base.Transport != nil {
			next = base.Transport
		}
	}
	client.Transport = &documentTransport{next: next}
	return &issuer{url: issuerURL, client: client, interval: interval, now: now}
}

// keySet returns the issuer's key set, discovering it first if need be. Its
// errors wrap errIssuerUnavailable.
func (is *issuer) keySet(ctx context.Context) (*oidc.RemoteKeySet, error) {
	is.mu.Lock()
	defer is.mu.Unlock()
	if is.keys != nil {
		return is.keys, nil
	}
	if !is.last.IsZero() && is.now().Sub(is.last) < is.interval {
		return nil, is.lastErr
	}
	// Requests wait here for the one discovery in progress: it is bounded by
	// the client's timeout, and there is nothing to verify with before it.
	keys, err := is.discover(ctx)
	if err != nil {
		if ctx.Err() == nil { // a request that went away says nothing of the issuer
			is.last, is.lastErr = is.now(), err
		}
		return nil, err
	}
	is.keys = keys
	return keys, nil
}

func (is *issuer) discover(ctx context.Context) (*oidc.RemoteKeySet, error) {
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, is.client), is.url)
	if err != nil {
		// Wrong documents are the issuer's failure too: it is unusable
		// until it publishes right ones.
		if !errors.Is(err, errIssuerUnavailable) {
			err = fmt.Errorf("%w: discovery: %w", errIssuerUnavailable, err)
		}
		return nil, err
	}
	var doc struct {
		JWKSURL string `json:"jwks_uri"`
	}
	if err := p.Claims(&doc); err != nil || doc.JWKSURL == "" {
		return nil, fmt.Errorf("%w: the discovery document names no jwks_uri", errIssuerUnavailable)
	}
	u, err := url.Parse(doc.JWKSURL)
	if err == nil {
		err = checkTransport(u)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: jwks_uri: %w", errIssuerUnavailable, err)
	}
	gated := &http.Client{
		Timeout:       is.client.Timeout,
		CheckRedirect: is.client.CheckRedirect,
		Jar:           is.client.Jar,
		Transport:     &refreshGate{next: is.client.Transport, interval: is.interval, now: is.now},
	}
	// go-oidc fetches keys with this context's client, outside any request:
	// it serves as configuration only.
	return oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), gated), doc.JWKSURL), nil
}
