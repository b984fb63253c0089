package storage

import (
	"context"
	"errors"
)

// ErrThrottled is wrapped by errors that report a backend refusing
// requests because of their rate (an HTTP 429, for example). Sending more
// requests at once only prolongs it.
var ErrThrottled = errors.New("storage: the backend is throttling requests")

// retryRule is what a caller allows a store's retry policy to do.
type retryRule uint8

const (
	retryAsConfigured retryRule = iota
	retryNever
	retryUnlessThrottled
)

type retryRuleKey struct{}

// WithoutRetries returns a copy of ctx under which a store sends each
// backend request at most once: a failure is returned at once instead of
// being retried. It is meant for probes, such as a readiness check, where a
// fast answer matters more than a successful one, and each retry costs a
// request that somebody pays for or that counts against a rate limit.
func WithoutRetries(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryRuleKey{}, retryNever)
}

// WithoutThrottledRetries returns a copy of ctx under which a store does not
// retry a backend request that the backend refused because of its rate (an
// error wrapping ErrThrottled); other failures are retried as the store's
// policy says. It is meant for work that may be given up, so that it backs
// off as soon as the backend asks.
func WithoutThrottledRetries(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryRuleKey{}, retryUnlessThrottled)
}

// MayRetry reports whether a store may retry, for a call made with ctx, a
// backend request that failed with err. Stores that retry call it before
// every retry; their own policy still decides whether and when. Without
// WithoutRetries or WithoutThrottledRetries on ctx it returns true.
func MayRetry(ctx context.Context, err error) bool {
	rule, _ := ctx.Value(retryRuleKey{}).(retryRule)
	switch rule {
	case retryNever:
		return false
	case retryUnlessThrottled:
		return !errors.Is(err, ErrThrottled)
	}
	return true
}
