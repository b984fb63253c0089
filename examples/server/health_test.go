package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// countingStat is a Store that counts its Stat calls, each of which takes a
// while and fails while fail is set.
type countingStat struct {
	storage.Store
	calls atomic.Int64
	fail  atomic.Bool
}

func (s *countingStat) Stat(ctx context.Context, key string) (storage.Info, error) {
	s.calls.Add(1)
	time.Sleep(20 * time.Millisecond)
	if s.fail.Load() {
		return storage.Info{}, errors.New("backend down")
	}
	return s.Store.Stat(ctx, key)
}

// TestReadyzCachesTheProbe calls /readyz many times at once and again
// within the cache's time: the store sees one probe per period, whatever
// the number of calls.
func TestReadyzCachesTheProbe(t *testing.T) {
	store := &countingStat{Store: memstore.New(nil)}
	clock := time.Unix(1_000_000, 0)
	var clockMu sync.Mutex
	now := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return clock }
	advance := func(d time.Duration) { clockMu.Lock(); clock = clock.Add(d); clockMu.Unlock() }
	h := readyz(store, slog.New(slog.DiscardHandler)).(*readiness)
	h.now = now

	burst := func(want int) {
		t.Helper()
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
				assert.Equal(t, want, w.Code)
			})
		}
		wg.Wait()
	}
	burst(http.StatusOK)
	assert.Equal(t, int64(1), store.calls.Load(), "probes for 50 concurrent calls")
	advance(readyCacheFor - time.Second)
	burst(http.StatusOK)
	assert.Equal(t, int64(1), store.calls.Load(), "probes within the cache's time")

	store.fail.Store(true)
	advance(2 * time.Second)
	burst(http.StatusServiceUnavailable)
	assert.Equal(t, int64(2), store.calls.Load(), "probes after the cache's time")
	store.fail.Store(false)
	burst(http.StatusServiceUnavailable) // a failure is cached too
	assert.Equal(t, int64(2), store.calls.Load())
	advance(readyCacheFor)
	burst(http.StatusOK)
	assert.Equal(t, int64(3), store.calls.Load())
}

// TestReadyzProbesOnce points /readyz at Workers KV while the API fails:
// the probe is one API request, not one per retry of the store's policy.
func TestReadyzProbesOnce(t *testing.T) {
	kv := kvtest.Start(t, nil)
	store, err := kvstore.Open(kvstore.Config{AccountID: kv.AccountID, NamespaceID: kv.NamespaceID, APIToken: kv.Token, BaseURL: kv.URL,
		Retry: &kvstore.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}})
	require.NoError(t, err)
	h := readyz(store, slog.New(slog.DiscardHandler))
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusInternalServerError} {
		kv.ClearFaults()
		kv.Inject(kvtest.Fault{Status: status})
		h.(*readiness).checked = time.Time{} // a new probe
		before := kv.Requests()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		assert.Equal(t, http.StatusServiceUnavailable, w.Code)
		assert.Equal(t, int64(1), kv.Requests()-before, "KV requests of one probe while the API answers %d", status)
	}
	kv.ClearFaults()
	h.(*readiness).checked = time.Time{}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	assert.Equal(t, http.StatusOK, w.Code)
	body, _ := io.ReadAll(w.Result().Body)
	assert.Equal(t, "ready\n", string(body))
}
