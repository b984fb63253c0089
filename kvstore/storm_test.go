package kvstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
)

// stormCall is one request of a client during a storm, and what it got.
type stormCall struct {
	method, path string
	body         []byte
	status       int
	answer       []byte
	took         time.Duration
}

// TestStormThroughHTTPAPI serves the remote-cache protocol from Workers KV
// while every KV request is answered 429, with and without Retry-After, to
// 32 concurrent clients. Each client gets a 5xx (or, in a batch query, an
// error for the hash, never a miss) within the retry policy's bounds; the
// store sends a bounded number of requests; no goroutine outlives the storm;
// and once the storm is over the same requests succeed.
func TestStormThroughHTTPAPI(t *testing.T) {
	policy := kvstore.RetryPolicy{MaxAttempts: 4, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, MaxRetryAfter: 2 * time.Second}
	for _, tc := range []struct {
		name  string
		fault kvtest.Fault
		// waits bounds the waits of one operation's MaxAttempts-1 retries
		// (doubled backoff capped at MaxBackoff, or Retry-After).
		waits time.Duration
	}{
		{"429 without Retry-After", kvtest.Fault{Status: http.StatusTooManyRequests}, 3 * 100 * time.Millisecond},
		{"429 with Retry-After", kvtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}, 3 * time.Second},
		{"503", kvtest.Fault{Status: http.StatusServiceUnavailable}, 3 * 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := kvtest.Start(t, nil)
			kvClient := &http.Client{Transport: &http.Transport{}}
			p := policy
			store := open(t, srv, kvstore.Config{HTTPClient: kvClient, PartSize: 1 << 20, Retry: &p})
			h, err := httpapi.New(store, &httpapi.Options{DefaultTeam: "team_storm"})
			require.NoError(t, err)
			api := httptest.NewServer(h)
			defer api.Close()
			apiClient := api.Client()

			// Artifacts stored before the storm: one value, one in parts.
			stored := map[string][]byte{"a0": randomBytes(100), "a1": randomBytes(2<<20 + 3)}
			for hash, body := range stored {
				c := call(t, apiClient, api.URL, "PUT", "/v8/artifacts/"+hash, body)
				require.Equal(t, http.StatusAccepted, c.status, "PUT %s: %s", hash, c.answer)
			}
			keysBefore := srv.Keys()
			apiClient.CloseIdleConnections()
			kvClient.CloseIdleConnections()
			goroutines := runtime.NumGoroutine()

			calls := make([]*stormCall, 32)
			for i := range calls {
				switch i % 4 {
				case 0:
					calls[i] = &stormCall{method: "GET", path: "/v8/artifacts/a1"}
				case 1:
					calls[i] = &stormCall{method: "HEAD", path: "/v8/artifacts/a0"}
				case 2:
					calls[i] = &stormCall{method: "PUT", path: fmt.Sprintf("/v8/artifacts/b%d", i), body: randomBytes(1<<20 + i)}
				case 3:
					calls[i] = &stormCall{method: "POST", path: "/v8/artifacts", body: []byte(`{"hashes":["a0","a1"]}`)}
				}
			}
			srv.Inject(tc.fault)
			requestsBefore := srv.Requests()
			run := func() {
				var wg sync.WaitGroup
				for _, c := range calls {
					wg.Go(func() { *c = *call(t, apiClient, api.URL, c.method, c.path, c.body) })
				}
				wg.Wait()
			}
			run()
			kvRequests := srv.Requests() - requestsBefore
			var slowest time.Duration
			for _, c := range calls {
				slowest = max(slowest, c.took)
				if c.method == "POST" {
					assert.Equal(t, http.StatusOK, c.status, "%s %s: %s", c.method, c.path, c.answer)
					var answers map[string]*struct {
						Error *struct{ Message string }
					}
					require.NoError(t, json.Unmarshal(c.answer, &answers))
					for _, hash := range []string{"a0", "a1"} {
						assert.True(t, answers[hash] != nil && answers[hash].Error != nil, "query of %s during the storm: %s", hash, c.answer)
					}
				} else {
					assert.GreaterOrEqual(t, c.status, 500, "%s %s: %s", c.method, c.path, c.answer)
				}
				// The request count above is the tight bound; the time only
				// shows that no call hangs, with slack for a busy machine.
				assert.Less(t, c.took, tc.waits+10*time.Second, "%s %s took too long", c.method, c.path)
			}
			// Each store operation stops after MaxAttempts tries of its
			// first request: one for a GET, HEAD or PUT, two per query.
			maxRequests := int64(p.MaxAttempts) * int64(len(calls)/4) * (1 + 1 + 1 + 2)
			t.Logf("storm: %d calls, slowest %v, %d KV requests (bound %d)", len(calls), slowest.Round(time.Millisecond), kvRequests, maxRequests)
			assert.LessOrEqual(t, kvRequests, maxRequests, "KV requests during the storm")

			// No goroutine outlives the storm.
			apiClient.CloseIdleConnections()
			kvClient.CloseIdleConnections()
			requireNoLeak(t, goroutines)

			// Failed uploads left nothing behind, and the stored artifacts
			// are intact.
			srv.ClearFaults()
			assert.Equal(t, keysBefore, srv.Keys(), "keys after the storm")

			// The same requests succeed once the storm is over.
			run()
			for _, c := range calls {
				switch c.method {
				case "GET":
					assert.Equal(t, http.StatusOK, c.status, "GET %s after the storm", c.path)
					assert.True(t, bytes.Equal(stored["a1"], c.answer), "GET %s after the storm: the stored bytes", c.path)
				case "HEAD":
					assert.Equal(t, http.StatusOK, c.status, "HEAD %s after the storm", c.path)
				case "PUT":
					assert.Equal(t, http.StatusAccepted, c.status, "PUT %s after the storm: %s", c.path, c.answer)
				case "POST":
					assert.JSONEq(t, fmt.Sprintf(`{"a0":{"size":100,"taskDurationMs":0,"tag":""},"a1":{"size":%d,"taskDurationMs":0,"tag":""}}`, 2<<20+3), string(c.answer))
				}
			}
			assert.True(t, slices.ContainsFunc(srv.Keys(), func(k string) bool { return strings.Contains(k, "b2") }), "an upload after the storm is stored")
		})
	}
}

// call sends one request to the protocol server and reads the answer.
func call(t *testing.T, c *http.Client, base, method, path string, body []byte) *stormCall {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, r)
	require.NoError(t, err)
	start := time.Now()
	resp, err := c.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err, "%s %s", method, path)
	return &stormCall{method: method, path: path, body: body, status: resp.StatusCode, answer: answer, took: time.Since(start)}
}
