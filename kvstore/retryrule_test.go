package kvstore_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
)

// TestRetryRuleFromContext checks that a Stat sends as many requests as the
// caller's context allows (storage.WithoutRetries,
// storage.WithoutThrottledRetries) while the API fails, and that a 429 is
// reported as storage.ErrThrottled.
func TestRetryRuleFromContext(t *testing.T) {
	const attempts = 4
	for _, tc := range []struct {
		name      string
		ctx       func(context.Context) context.Context
		status    int
		requests  int64
		throttled bool
	}{
		{"as configured, 429", func(c context.Context) context.Context { return c }, http.StatusTooManyRequests, attempts, true},
		{"as configured, 503", func(c context.Context) context.Context { return c }, http.StatusServiceUnavailable, attempts, false},
		{"without retries, 503", storage.WithoutRetries, http.StatusServiceUnavailable, 1, false},
		{"without retries, 429", storage.WithoutRetries, http.StatusTooManyRequests, 1, true},
		{"without throttled retries, 429", storage.WithoutThrottledRetries, http.StatusTooManyRequests, 1, true},
		{"without throttled retries, 503", storage.WithoutThrottledRetries, http.StatusServiceUnavailable, attempts, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := kvtest.Start(t, nil)
			store := open(t, srv, kvstore.Config{Retry: &kvstore.RetryPolicy{MaxAttempts: attempts, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}})
			srv.Inject(kvtest.Fault{Status: tc.status})
			before := srv.Requests()
			_, err := store.Stat(tc.ctx(t.Context()), "team/abcd")
			require.Error(t, err)
			assert.Equal(t, tc.requests, srv.Requests()-before, "KV requests for one Stat")
			assert.Equal(t, tc.throttled, errors.Is(err, storage.ErrThrottled), "errors.Is(%v, storage.ErrThrottled)", err)
			assert.False(t, errors.Is(err, storage.ErrNotFound), "a failure is not a miss")
		})
	}
}
