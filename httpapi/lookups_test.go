package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// slowStat is a Store whose Stat takes a while and which records how many
// Stat calls ran at once at most.
type slowStat struct {
	storage.Store
	inFlight, peak atomic.Int64
}

func (s *slowStat) Stat(ctx context.Context, key string) (storage.Info, error) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	time.Sleep(2 * time.Millisecond)
	return s.Store.Stat(ctx, key)
}

// TestQueryLookupLimit sends many batch queries at once and checks that the
// store lookups they cause together never exceed the handler's limit.
func TestQueryLookupLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit int // Options.MaxConcurrentLookups
		want  int64
	}{
		{"default", 0, httpapi.DefaultMaxConcurrentLookups},
		{"set", 5, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &slowStat{Store: memstore.New(nil)}
			h, err := httpapi.New(store, &httpapi.Options{DefaultTeam: "team_a", MaxConcurrentLookups: tc.limit})
			require.NoError(t, err)
			f := &fixture{h: h}
			hashes := make([]string, 200)
			for i := range hashes {
				hashes[i] = fmt.Sprintf("%016x", i)
			}
			body, err := json.Marshal(map[string][]string{"hashes": hashes})
			require.NoError(t, err)
			var wg sync.WaitGroup
			for range 12 {
				wg.Go(func() {
					w := f.do("POST", "/v8/artifacts", string(body))
					assert.Equal(t, http.StatusOK, w.Code, w.Body.String())
				})
			}
			wg.Wait()
			t.Logf("12 queries of %d hashes: at most %d lookups at once", len(hashes), store.peak.Load())
			assert.LessOrEqual(t, store.peak.Load(), tc.want, "concurrent lookups")
			assert.Positive(t, store.peak.Load())
		})
	}
}
