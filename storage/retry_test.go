package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/turbocache/turbocache/storage"
)

func TestMayRetry(t *testing.T) {
	throttled := fmt.Errorf("backend said 429: %w", storage.ErrThrottled)
	other := errors.New("backend said 500")
	for _, tc := range []struct {
		name            string
		ctx             context.Context
		throttled, fail bool
	}{
		{"as configured", context.Background(), true, true},
		{"without retries", storage.WithoutRetries(context.Background()), false, false},
		{"without throttled retries", storage.WithoutThrottledRetries(context.Background()), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.throttled, storage.MayRetry(tc.ctx, throttled), "a throttled request")
			assert.Equal(t, tc.fail, storage.MayRetry(tc.ctx, other), "another failure")
		})
	}
}
