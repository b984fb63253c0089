package oidcauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// maxDocument bounds the discovery document and the key set: both are a
// few KiB, and go-oidc reads them whole.
const maxDocument = 1 << 20

// errIssuerUnavailable is wrapped by every failure to get a document from
// the issuer: the network, a status other than 200, an oversized or
// malformed answer. It becomes httpapi.ErrUnavailable (503).
var errIssuerUnavailable = errors.New("oidcauth: issuer unavailable")

// errRefreshLimited is the key set fetch refused because the last one, which
// succeeded, is too recent: the token's key is not in the current set.
var errRefreshLimited = errors.New("oidcauth: key set fetched recently")

// documentTransport fetches the issuer's documents for go-oidc: only over
// https (or loopback http), redirects included; only 200 answers, read
// whole up to maxDocument, so that go-oidc never reads an unbounded body.
type documentTransport struct {
	next http.RoundTripper
}

func (t *documentTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkTransport(req.URL); err != nil {
		return nil, fmt.Errorf("%w: %w", errIssuerUnavailable, err)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errIssuerUnavailable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: GET %s: %s", errIssuerUnavailable, req.URL.Redacted(), resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: GET %s: %w", errIssuerUnavailable, req.URL.Redacted(), err)
	case len(body) > maxDocument:
		return nil, fmt.Errorf("%w: GET %s: answer larger than %d bytes", errIssuerUnavailable, req.URL.Redacted(), maxDocument)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// refreshGate is the transport of the key set's fetches. It lets through
// one fetch per interval, so that tokens naming unknown keys cannot make
// this server hammer the issuer, and it checks that what came back is a
// key set, so that a failure to get one is always errIssuerUnavailable.
type refreshGate struct {
	next     http.RoundTripper
	interval time.Duration
	now      func() time.Time

	mu      sync.Mutex
	last    time.Time // of the last attempt; zero before the first
	lastErr error     // of the last attempt; nil after a success
}

func (g *refreshGate) RoundTrip(req *http.Request) (*http.Response, error) {
	g.mu.Lock()
	if !g.last.IsZero() && g.now().Sub(g.last) < g.interval {
		err := g.lastErr
		g.mu.Unlock()
		if err != nil {
			return nil, err
		}
		return nil, errRefreshLimited
	}
	g.last = g.now()
	g.mu.Unlock()

	resp, err := g.fetch(req)
	g.mu.Lock()
	g.lastErr = err
	g.mu.Unlock()
	return resp, err
}

func (g *refreshGate) fetch(req *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	// documentTransport has read the body: this neither blocks nor fails.
	body, _ := io.ReadAll(resp.Body)
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil || set.Keys == nil {
		return nil, fmt.Errorf("%w: GET %s: not a JSON Web Key Set", errIssuerUnavailable, req.URL.Redacted())
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
