package s3store_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
)

// TestRetryRuleFromContext points a Store at an endpoint that answers
// every request with an S3 error, and counts the requests one Get, Stat or
// Delete sends under each retry rule of the caller's context
// (storage.WithoutRetries, storage.WithoutThrottledRetries). S3's SlowDown,
// and any 503 (which a HEAD gets without a code), is reported as
// storage.ErrThrottled.
func TestRetryRuleFromContext(t *testing.T) {
	const sdkAttempts = 3 // the SDK's standard retryer
	asIs := func(c context.Context) context.Context { return c }
	for _, tc := range []struct {
		name      string
		ctx       func(context.Context) context.Context
		status    int
		code      string
		requests  int64
		throttled bool
	}{
		{"as configured, SlowDown", asIs, http.StatusServiceUnavailable, "SlowDown", sdkAttempts, true},
		{"as configured, 503 without a code", asIs, http.StatusServiceUnavailable, "", sdkAttempts, true},
		{"without throttled retries, 503 without a code", storage.WithoutThrottledRetries, http.StatusServiceUnavailable, "", 1, true},
		{"as configured, InternalError", asIs, http.StatusInternalServerError, "InternalError", sdkAttempts, false},
		{"without retries, InternalError", storage.WithoutRetries, http.StatusInternalServerError, "InternalError", 1, false},
		{"without retries, SlowDown", storage.WithoutRetries, http.StatusServiceUnavailable, "SlowDown", 1, true},
		{"without throttled retries, SlowDown", storage.WithoutThrottledRetries, http.StatusServiceUnavailable, "SlowDown", 1, true},
		{"without throttled retries, InternalError", storage.WithoutThrottledRetries, http.StatusInternalServerError, "InternalError", sdkAttempts, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var requests atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(tc.status)
				if tc.code != "" && r.Method != http.MethodHead {
					fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>injected</Message></Error>`, tc.code)
				}
			}))
			defer srv.Close()
			store, err := s3store.Open(t.Context(), s3store.Config{Bucket: "bucket", Endpoint: srv.URL, UsePathStyle: true,
				AccessKeyID: "id", SecretAccessKey: "secret"})
			require.NoError(t, err)
			for _, op := range []struct {
				name string
				call func(context.Context) error
			}{
				{"get", func(ctx context.Context) error { _, _, err := store.Get(ctx, "team/abcd"); return err }},
				{"delete", func(ctx context.Context) error { return store.Delete(ctx, "team/abcd") }},
				{"stat", func(ctx context.Context) error { _, err := store.Stat(ctx, "team/abcd"); return err }},
			} {
				before := requests.Load()
				err := op.call(tc.ctx(t.Context()))
				require.Error(t, err, op.name)
				assert.Equal(t, tc.requests, requests.Load()-before, "%s: requests", op.name)
				assert.Equal(t, tc.throttled, errors.Is(err, storage.ErrThrottled), "%s: errors.Is(%v, storage.ErrThrottled)", op.name, err)
				assert.False(t, errors.Is(err, storage.ErrNotFound), "%s: a failure is not a miss", op.name)
			}
		})
	}
}
