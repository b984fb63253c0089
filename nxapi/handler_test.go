package nxapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/syncbuf"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/nxapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
)

// stores are the stores the protocol tests run against: with Create done by
// the store (memstore, fsstore, s3store on versitygw) and by the handler's
// fallback (plain, kvstore).
func stores() []struct {
	name string
	open func(t *testing.T) storage.Store
} {
	return []struct {
		name string
		open func(t *testing.T) storage.Store
	}{
		{"memstore", func(t *testing.T) storage.Store { return memstore.New(nil) }},
		{"fsstore", func(t *testing.T) storage.Store {
			s, err := fsstore.Open(t.TempDir(), nil)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		}},
		{"withoutCreator", func(t *testing.T) storage.Store { return plain{memstore.New(nil)} }},
		{"versitygw", func(t *testing.T) storage.Store { return nxBackends()[1].open(t) }},
		// Workers KV has no conditional write: the handler's fallback.
		{"kvstore", func(t *testing.T) storage.Store {
			srv := kvtest.Start(t, nil)
			s, err := kvstore.Open(kvstore.Config{
				AccountID: srv.AccountID, NamespaceID: srv.NamespaceID, APIToken: srv.Token, BaseURL: srv.URL,
			})
			require.NoError(t, err)
			return s
		}},
	}
}

func TestPutThenGet(t *testing.T) {
	for _, st := range stores() {
		t.Run(st.name, func(t *testing.T) {
			srv := newServer(t, st.open(t), nil)
			url := srv.URL + "/v1/cache/1234567890123456789"
			record := bytes.Repeat([]byte("record "), 1000)

			got := send(t, url, "GET", rwToken, nil)
			assert.Equal(t, http.StatusNotFound, got.code, "GET before any PUT")
			assert.Equal(t, "text/plain", got.contentType)

			got = send(t, url, "PUT", rwToken, record)
			require.Equal(t, http.StatusOK, got.code, "first PUT: %s", got.body)

			got = send(t, url, "PUT", rwToken, []byte("another body"))
			assert.Equal(t, http.StatusConflict, got.code, "second PUT: %s", got.body)
			assert.Equal(t, "text/plain", got.contentType)

			got = send(t, url, "GET", roToken, nil)
			require.Equal(t, http.StatusOK, got.code)
			assert.Equal(t, "application/octet-stream", got.contentType)
			assert.Equal(t, record, got.body, "the first PUT's bytes, not the second's")

			got = send(t, url, "HEAD", roToken, nil)
			assert.Equal(t, http.StatusOK, got.code, "HEAD")
		})
	}
}

// TestConcurrentFirstPuts races first PUTs of one hash: exactly one is
// answered 200, every other 409, and the stored bytes are one body whole.
func TestConcurrentFirstPuts(t *testing.T) {
	const racers = 8
	for _, st := range stores() {
		t.Run(st.name, func(t *testing.T) {
			srv := newServer(t, st.open(t), nil)
			for round := range 5 {
				url := fmt.Sprintf("%s/v1/cache/%d", srv.URL, 1000+round)
				bodies := make([][]byte, racers)
				sums := map[[32]byte]bool{}
				for i := range bodies {
					bodies[i] = bytes.Repeat([]byte{byte('a' + i)}, 256<<10+i)
					sums[sha256.Sum256(bodies[i])] = true
				}
				codes := make([]int, racers)
				var wg sync.WaitGroup
				for i := range racers {
					wg.Go(func() { codes[i] = send(t, url, "PUT", rwToken, bodies[i]).code })
				}
				wg.Wait()
				ok, conflict := 0, 0
				for _, c := range codes {
					switch c {
					case http.StatusOK:
						ok++
					case http.StatusConflict:
						conflict++
					}
				}
				require.Equal(t, 1, ok, "PUTs answered 200 in round %d: %v", round, codes)
				require.Equal(t, racers-1, conflict, "PUTs answered 409 in round %d: %v", round, codes)
				got := send(t, url, "GET", rwToken, nil)
				require.Equal(t, http.StatusOK, got.code)
				require.True(t, sums[sha256.Sum256(got.body)], "the stored %d bytes are none of the bodies whole", len(got.body))
			}
		})
	}
}

func TestAuthAnswers(t *testing.T) {
	store := memstore.New(nil)
	srv := newServer(t, store, nil)
	url := srv.URL + "/v1/cache/77"
	require.Equal(t, http.StatusOK, send(t, url, "PUT", rwToken, []byte("x")).code)

	cases := []struct {
		name, method, token string
		want                int
		message             string
	}{
		{"NoTokenGet", "GET", "", http.StatusUnauthorized, "no bearer token"},
		{"NoTokenPut", "PUT", "", http.StatusUnauthorized, "no bearer token"},
		{"WrongTokenGet", "GET", "wrong", http.StatusUnauthorized, "unknown token"},
		{"ReadOnlyPut", "PUT", roToken, http.StatusForbidden, `read-only access to team "nx" does not permit PUT`},
		{"ReadOnlyGet", "GET", roToken, http.StatusOK, ""},
		// The web token is limited to team web, so its records are web's.
		{"TeamTokenGetsItsTeam", "GET", webToken, http.StatusNotFound, `no record 77 for team "web"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := send(t, url, tc.method, tc.token, []byte("y"))
			require.Equal(t, tc.want, got.code, "%s", got.body)
			if tc.message != "" {
				assert.Equal(t, "text/plain", got.contentType, "exactly text/plain: nx rejects a charset")
				assert.Contains(t, string(got.body), tc.message)
			}
		})
	}
	assert.ElementsMatch(t, []string{"nx/nx/77"}, keysOf(t, store), "what the refused PUTs stored")
}

// TestTeamScopedToken checks that a token limited to teams other than the
// configured one is refused, as turbo requests for another team are.
func TestTeamScopedToken(t *testing.T) {
	auth, err := httpapi.NewTokenAuth(httpapi.Token{Secret: "two", Teams: []string{"web", "docs"}})
	require.NoError(t, err)
	srv := newServer(t, memstore.New(nil), &nxapi.Options{Auth: auth, TeamOf: auth.TeamOf, Team: "mobile"})
	got := send(t, srv.URL+"/v1/cache/5", "GET", "two", nil)
	assert.Equal(t, http.StatusForbidden, got.code)
	assert.Equal(t, "text/plain", got.contentType)
	assert.Contains(t, string(got.body), `may not access team "mobile"`)
}

func TestInvalidHashes(t *testing.T) {
	store := &counting{Store: memstore.New(nil)}
	srv := newServer(t, store, nil)
	for _, hash := range []string{
		"abc", "12a4", "-1", "+1", "1.5", " 1", "1%2F2", "%31", "18446744073709551616",
		"123456789012345678901", strings.Repeat("9", 300), "..", "1/2",
	} {
		t.Run(hash, func(t *testing.T) {
			for _, method := range []string{"GET", "PUT"} {
				got := send(t, srv.URL+"/v1/cache/"+hash, method, rwToken, []byte("body"))
				assert.Contains(t, []int{http.StatusBadRequest, http.StatusNotFound}, got.code, "%s %q: %s", method, hash, got.body)
			}
		})
	}
	assert.Zero(t, store.calls.Load(), "store calls made for invalid hashes")
	assert.Empty(t, keysOf(t, store.Store))

	for _, hash := range []string{"0", "18446744073709551615", "00000000000000000001"} {
		got := send(t, srv.URL+"/v1/cache/"+hash, "PUT", rwToken, []byte("body"))
		assert.Equal(t, http.StatusOK, got.code, "valid hash %q: %s", hash, got.body)
	}
}

func TestEndpoints(t *testing.T) {
	srv := newServer(t, memstore.New(nil), nil)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/v1/cache/", http.StatusBadRequest},
		{"GET", "/v1/cache", http.StatusNotFound},
		{"GET", "/v8/artifacts/abc", http.StatusNotFound},
		{"DELETE", "/v1/cache/1", http.StatusMethodNotAllowed},
		{"POST", "/v1/cache/1", http.StatusMethodNotAllowed},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			got := send(t, srv.URL+tc.path, tc.method, rwToken, nil)
			assert.Equal(t, tc.want, got.code, "%s", got.body)
			assert.Equal(t, "text/plain", got.contentType)
		})
	}
}

// TestIsolationFromTurbo serves both protocols from one store and checks
// that neither can read the other's records, on a store that keeps keys as
// file paths too, with a turbo team named like nx's default team.
func TestIsolationFromTurbo(t *testing.T) {
	for _, st := range stores() {
		t.Run(st.name, func(t *testing.T) {
			store := st.open(t)
			turbo, err := httpapi.New(store, &httpapi.Options{Auth: testAuth(t)})
			require.NoError(t, err)
			nx, err := nxapi.New(store, &nxapi.Options{Auth: testAuth(t)})
			require.NoError(t, err)
			mux := http.NewServeMux()
			mux.Handle("/v8/", turbo)
			mux.Handle("/v1/", nx)
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)

			// A hash that is both decimal and hexadecimal names a record in
			// each protocol: they must stay two records.
			const hash = "1234567890"
			turboURL := srv.URL + "/v8/artifacts/" + hash + "?slug=" + nxapi.DefaultTeam
			nxURL := srv.URL + "/v1/cache/" + hash
			require.Equal(t, http.StatusAccepted, send(t, turboURL, "PUT", rwToken, []byte("turbo bytes")).code)
			assert.Equal(t, http.StatusNotFound, send(t, nxURL, "GET", rwToken, nil).code, "nx reading a turbo artifact")
			require.Equal(t, http.StatusOK, send(t, nxURL, "PUT", rwToken, []byte("nx bytes")).code, "nx PUT beside a turbo artifact")
			assert.Equal(t, []byte("nx bytes"), send(t, nxURL, "GET", rwToken, nil).body)
			assert.Equal(t, []byte("turbo bytes"), send(t, turboURL, "GET", rwToken, nil).body)

			const nxOnly = "987"
			require.Equal(t, http.StatusOK, send(t, srv.URL+"/v1/cache/"+nxOnly, "PUT", rwToken, []byte("nx only")).code)
			assert.Equal(t, http.StatusNotFound, send(t, srv.URL+"/v8/artifacts/"+nxOnly+"?slug=nx", "GET", rwToken, nil).code,
				"turbo reading an nx record")
			// "nx" is not a hexadecimal hash: turbo cannot name the
			// directory of nx's records, nor anything below it.
			for _, path := range []string{"/v8/artifacts/nx?slug=nx", "/v8/artifacts/nx%2F987?slug=nx"} {
				assert.Equal(t, http.StatusBadRequest, send(t, srv.URL+path, "GET", rwToken, nil).code, path)
			}
			// Turbo artifacts of every hash, in the team nx uses, still fit
			// beside nx's records.
			for _, h := range []string{"0", "abcdef", "ffffffffffffffff"} {
				assert.Equal(t, http.StatusAccepted,
					send(t, srv.URL+"/v8/artifacts/"+h+"?slug=nx", "PUT", rwToken, []byte("t")).code, "turbo PUT %s", h)
			}
		})
	}
}

func TestFailingStore(t *testing.T) {
	for _, tc := range []struct {
		mode              nxapi.FailureMode
		wantGet, wantPut  int
		wantLookupResults []nxapi.Lookup
	}{
		{nxapi.MissOnStoreFailure, http.StatusNotFound, http.StatusConflict, []nxapi.Lookup{nxapi.LookupFailed}},
		{nxapi.ErrorOnStoreFailure, http.StatusServiceUnavailable, http.StatusServiceUnavailable, []nxapi.Lookup{nxapi.LookupFailed}},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			var logs syncbuf.Buffer
			var mu sync.Mutex
			var results []nxapi.Lookup
			srv := newServer(t, failing{memstore.New(nil)}, &nxapi.Options{
				StoreFailure: tc.mode,
				Logger:       slog.New(slog.NewTextHandler(&logs, nil)),
				OnLookup: func(_ context.Context, team string, r nxapi.Lookup) {
					mu.Lock()
					results = append(results, r)
					mu.Unlock()
				},
			})
			got := send(t, srv.URL+"/v1/cache/1", "GET", rwToken, nil)
			assert.Equal(t, tc.wantGet, got.code, "GET: %s", got.body)
			assert.Equal(t, "text/plain", got.contentType)
			got = send(t, srv.URL+"/v1/cache/1", "PUT", rwToken, []byte("x"))
			assert.Equal(t, tc.wantPut, got.code, "PUT: %s", got.body)
			mu.Lock()
			assert.Equal(t, tc.wantLookupResults, results)
			mu.Unlock()
			assert.Contains(t, logs.String(), "backend down", "the failure is logged")
			assert.Contains(t, logs.String(), "level=ERROR")
		})
	}
}

func TestLookups(t *testing.T) {
	var mu sync.Mutex
	got := map[string][]nxapi.Lookup{}
	srv := newServer(t, memstore.New(nil), &nxapi.Options{
		OnLookup: func(_ context.Context, team string, r nxapi.Lookup) {
			mu.Lock()
			got[team] = append(got[team], r)
			mu.Unlock()
		},
	})
	send(t, srv.URL+"/v1/cache/1", "GET", rwToken, nil)
	send(t, srv.URL+"/v1/cache/1", "PUT", rwToken, []byte("x"))
	send(t, srv.URL+"/v1/cache/1", "GET", rwToken, nil)
	send(t, srv.URL+"/v1/cache/1", "GET", webToken, nil)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string][]nxapi.Lookup{
		"nx":  {nxapi.LookupMiss, nxapi.LookupHit},
		"web": {nxapi.LookupMiss},
	}, got)
}

func TestNewRejects(t *testing.T) {
	for name, opts := range map[string]*nxapi.Options{
		"BadTeam":         {Team: "a/b"},
		"NegativeSize":    {MaxArtifactSize: -1},
		"NegativeTimeout": {DownloadTimeout: -1},
		"UnknownMode":     {StoreFailure: 7},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := nxapi.New(memstore.New(nil), opts)
			assert.Error(t, err)
		})
	}
	_, err := nxapi.New(nil, nil)
	assert.Error(t, err)
}
