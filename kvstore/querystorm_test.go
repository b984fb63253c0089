package kvstore_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
)

// TestQueryDuringThrottling sends a batch query of 1,000 hashes while the KV
// API answers every request 429. The query stops looking hashes up once the
// store reports the throttling, instead of sending each of the 1,000
// lookups, retries included, to an API that asked it to slow down; every
// hash is answered with an error, none with a miss. The same holds, with the
// store's retries, for a storm of 503s.
func TestQueryDuringThrottling(t *testing.T) {
	srv := kvtest.Start(t, nil)
	policy := kvstore.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
	store := open(t, srv, kvstore.Config{Retry: &policy})
	h, err := httpapi.New(store, &httpapi.Options{DefaultTeam: "team_storm"})
	require.NoError(t, err)
	api := httptest.NewServer(h)
	defer api.Close()

	hashes := make([]string, 1000)
	for i := range hashes {
		hashes[i] = fmt.Sprintf("%016x", i)
	}
	body, err := json.Marshal(map[string][]string{"hashes": hashes})
	require.NoError(t, err)

	srv.Inject(kvtest.Fault{Status: http.StatusTooManyRequests})
	before := srv.Requests()
	c := call(t, api.Client(), api.URL, "POST", "/v8/artifacts", body)
	kvRequests := srv.Requests() - before
	require.Equal(t, http.StatusOK, c.status, "%s", c.answer)

	var answers map[string]*struct{ Error *struct{ Message string } }
	require.NoError(t, json.Unmarshal(c.answer, &answers))
	require.Len(t, answers, len(hashes))
	for _, hash := range hashes {
		a := answers[hash]
		require.True(t, a != nil && a.Error != nil, "hash %s during the storm: %v", hash, a)
		assert.True(t, strings.Contains(a.Error.Message, "throttling"), "hash %s: %s", hash, a.Error.Message)
	}
	// At most the lookups already in flight when the first 429 came back,
	// each sent once: no retry of a throttled lookup, no new lookup after.
	t.Logf("a %d-hash query during a 429 storm sent %d KV requests", len(hashes), kvRequests)
	assert.LessOrEqual(t, kvRequests, int64(16), "KV requests of one query during the storm")

	// A storm of 503s is retried, as a store failure may be brief, but the
	// query stops after the first lookup that failed for good.
	srv.ClearFaults()
	srv.Inject(kvtest.Fault{Status: http.StatusServiceUnavailable})
	before = srv.Requests()
	c = call(t, api.Client(), api.URL, "POST", "/v8/artifacts", body)
	kvRequests = srv.Requests() - before
	require.Equal(t, http.StatusOK, c.status, "%s", c.answer)
	require.NoError(t, json.Unmarshal(c.answer, &answers))
	for _, hash := range hashes {
		a := answers[hash]
		require.True(t, a != nil && a.Error != nil, "hash %s during the storm: %v", hash, a)
	}
	t.Logf("a %d-hash query during a 503 storm sent %d KV requests", len(hashes), kvRequests)
	assert.LessOrEqual(t, kvRequests, int64(16*policy.MaxAttempts), "KV requests of one query during the storm")

	// After the storm the same query is answered.
	srv.ClearFaults()
	c = call(t, api.Client(), api.URL, "POST", "/v8/artifacts", body)
	require.Equal(t, http.StatusOK, c.status)
	assert.NotContains(t, string(c.answer), "error")
}
