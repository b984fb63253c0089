package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

const (
	testToken = "secret-token"
	hashA     = "0123456789abcdef"
	hashB     = "fedcba9876543210"
)

// fixture is a handler over a memstore, with one artifact stored as hashA in
// team_a.
type fixture struct {
	store *memstore.Store
	h     http.Handler
}

func newFixture(t *testing.T, opts *httpapi.Options) *fixture {
	t.Helper()
	store := memstore.New(nil)
	if opts == nil {
		opts = &httpapi.Options{}
	}
	if opts.Auth == nil {
		auth, err := httpapi.NewTokenAuth(httpapi.Token{Secret: testToken})
		require.NoError(t, err)
		opts.Auth = auth
	}
	h, err := httpapi.New(store, opts)
	require.NoError(t, err)
	require.NoError(t, store.Put(t.Context(), "team_a/"+hashA, strings.NewReader("artifact-a"), 10,
		storage.Metadata{Duration: 1234 * time.Millisecond, Tag: "tag-a", SHA: "sha-a", DirtyHash: "dirty-a"}))
	return &fixture{store: store, h: h}
}

// do sends a request with the test token to the handler.
func (f *fixture) do(method, target, body string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+testToken)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			r.Header.Del(header[i])
		} else {
			r.Header.Set(header[i], header[i+1])
		}
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

// errorCode decodes the protocol's JSON error body and returns its code.
func errorCode(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
	var body struct {
		Error struct{ Code, Message string }
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), "body %q", w.Body)
	assert.NotEmpty(t, body.Error.Message)
	return body.Error.Code
}

func TestPut(t *testing.T) {
	f := newFixture(t, nil)
	w := f.do("PUT", "/v8/artifacts/"+hashB+"?slug=team_b", "new-artifact",
		"x-artifact-duration", "77", "x-artifact-tag", "c2lnbmF0dXJl", "x-artifact-sha", "abc123",
		"x-artifact-dirty-hash", "d1r7y", "x-artifact-client-ci", "GITHUB_ACTIONS")
	require.Equal(t, http.StatusAccepted, w.Code, w.Body.String())
	var body struct{ URLs []string }
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
	assert.Len(t, body.URLs, 1)

	info, err := f.store.Stat(t.Context(), "team_b/"+hashB)
	require.NoError(t, err)
	assert.Equal(t, storage.Metadata{Duration: 77 * time.Millisecond, Tag: "c2lnbmF0dXJl", SHA: "abc123", DirtyHash: "d1r7y"}, info.Metadata)

	w = f.do("GET", "/v8/artifacts/"+hashB+"?slug=team_b", "")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "new-artifact", w.Body.String())
	assert.Equal(t, "77", w.Header().Get("x-artifact-duration"))
	assert.Empty(t, w.Header().Get("x-artifact-client-ci"))

	// Overwriting replaces bytes and metadata.
	w = f.do("PUT", "/v8/artifacts/"+hashB+"?slug=team_b", "v2")
	require.Equal(t, http.StatusAccepted, w.Code)
	w = f.do("GET", "/v8/artifacts/"+hashB+"?slug=team_b", "")
	assert.Equal(t, "v2", w.Body.String())
	assert.Equal(t, "0", w.Header().Get("x-artifact-duration"))
	assert.Empty(t, w.Header().Get("x-artifact-tag"))
}

func TestPutInvalidMetadata(t *testing.T) {
	for _, tc := range []struct{ name, header, value string }{
		{"duration not a number", "x-artifact-duration", "12ms"},
		{"negative duration", "x-artifact-duration", "-1"},
		{"tag too long", "x-artifact-tag", strings.Repeat("a", 601)},
		{"sha too long", "x-artifact-sha", strings.Repeat("a", 257)},
		{"dirty hash not ASCII", "x-artifact-dirty-hash", "é"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			w := f.do("PUT", "/v8/artifacts/"+hashB+"?slug=team_a", "x", tc.header, tc.value)
			assert.Equal(t, http.StatusBadRequest, w.Code)
			assert.Contains(t, w.Body.String(), tc.header[2:])
			_, err := f.store.Stat(t.Context(), "team_a/"+hashB)
			assert.ErrorIs(t, err, storage.ErrNotFound)
		})
	}
	t.Run("tag of 600 characters", func(t *testing.T) {
		f := newFixture(t, nil)
		w := f.do("PUT", "/v8/artifacts/"+hashB+"?slug=team_a", "x", "x-artifact-tag", strings.Repeat("a", 600))
		assert.Equal(t, http.StatusAccepted, w.Code)
	})
}

func TestMaxArtifactSize(t *testing.T) {
	for _, tc := range []struct {
		name    string
		size    int
		chunked bool
		want    int
	}{
		{"at the limit", 100, false, http.StatusAccepted},
		{"over the limit", 101, false, http.StatusRequestEntityTooLarge},
		{"chunked at the limit", 100, true, http.StatusAccepted},
		{"chunked over the limit", 101, true, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, &httpapi.Options{MaxArtifactSize: 100})
			r := httptest.NewRequest("PUT", "/v8/artifacts/"+hashB+"?slug=team_a",
				bytes.NewReader(make([]byte, tc.size)))
			r.Header.Set("Authorization", "Bearer "+testToken)
			if tc.chunked {
				r.ContentLength = -1
			}
			w := httptest.NewRecorder()
			f.h.ServeHTTP(w, r)
			assert.Equal(t, tc.want, w.Code, w.Body.String())
			_, err := f.store.Stat(t.Context(), "team_a/"+hashB)
			if tc.want == http.StatusAccepted {
				assert.NoError(t, err)
			} else {
				assert.Equal(t, "payload_too_large", errorCode(t, w))
				assert.ErrorIs(t, err, storage.ErrNotFound)
			}
		})
	}
}

// failingStore fails every operation with a backend error.
type failingStore struct{ err error }

func (s failingStore) Get(context.Context, string) (io.ReadCloser, storage.Info, error) {
	return nil, storage.Info{}, s.err
}
func (s failingStore) Stat(context.Context, string) (storage.Info, error) {
	return storage.Info{}, s.err
}
func (s failingStore) Put(_ context.Context, _ string, r io.Reader, _ int64, _ storage.Metadata) error {
	_, _ = io.Copy(io.Discard, r)
	return s.err
}
func (s failingStore) Delete(context.Context, string) error { return s.err }

func TestStoreFailure(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"backend error", errors.New("disk on fire"), http.StatusInternalServerError},
		{"too large", storage.ErrTooLarge, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			h, err := httpapi.New(failingStore{err: tc.err}, &httpapi.Options{
				Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
			})
			require.NoError(t, err)
			f := &fixture{h: h}
			for _, req := range []struct{ method, target, body string }{
				{"GET", "/v8/artifacts/" + hashA + "?slug=team_a", ""},
				{"HEAD", "/v8/artifacts/" + hashA + "?slug=team_a", ""},
				{"PUT", "/v8/artifacts/" + hashA + "?slug=team_a", "body"},
			} {
				w := f.do(req.method, req.target, req.body)
				if req.method == "PUT" || tc.want == http.StatusInternalServerError {
					want := tc.want
					if req.method != "PUT" {
						want = http.StatusInternalServerError
					}
					assert.Equal(t, want, w.Code, "%s: a store failure is not a miss", req.method)
				}
				assert.NotContains(t, w.Body.String(), "disk on fire", "backend details leak to clients")
			}
			if tc.want == http.StatusInternalServerError {
				for _, want := range []string{`"op":"get"`, `"op":"put"`, `"team":"team_a"`, `"hash":"` + hashA, "disk on fire"} {
					assert.Contains(t, logs.String(), want)
				}
				assert.NotContains(t, logs.String(), testToken)
			}

			w := f.do("POST", "/v8/artifacts?slug=team_a", `{"hashes":["`+hashA+`"]}`)
			require.Equal(t, http.StatusOK, w.Code)
			assert.Contains(t, w.Body.String(), `"error":{"message":`)
		})
	}
}

func TestQuery(t *testing.T) {
	f := newFixture(t, &httpapi.Options{MaxQueryHashes: 3})
	w := f.do("POST", "/v8/artifacts?teamId=team_a", `{"hashes":["`+hashA+`","`+hashB+`"]}`)
	require.Equal(t, http.StatusOK, w.Code)
	assert.JSONEq(t, `{"`+hashA+`":{"size":10,"taskDurationMs":1234,"tag":"tag-a"},"`+hashB+`":null}`, w.Body.String())

	w = f.do("POST", "/v8/artifacts?teamId=team_b", `{"hashes":["`+hashA+`"]}`)
	require.Equal(t, http.StatusOK, w.Code)
	assert.JSONEq(t, `{"`+hashA+`":null}`, w.Body.String(), "another team's artifact is visible")

	for _, tc := range []struct{ name, body string }{
		{"too many hashes", `{"hashes":["a","b","c","d"]}`},
		{"invalid hash", `{"hashes":["../x"]}`},
		{"not JSON", `hashes`},
		{"two values", `{"hashes":[]}{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.do("POST", "/v8/artifacts?teamId=team_a", tc.body)
			assert.Equal(t, http.StatusBadRequest, w.Code)
			assert.Equal(t, "bad_request", errorCode(t, w))
		})
	}
}

func TestEvents(t *testing.T) {
	type call struct {
		team   string
		events []httpapi.Event
	}
	var got []call
	f := newFixture(t, &httpapi.Options{OnEvents: func(_ context.Context, team string, events []httpapi.Event) {
		got = append(got, call{team, events})
	}})
	body := `[{"sessionId":"0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b","source":"REMOTE","event":"HIT","hash":"` + hashA + `","duration":1234},` +
		`{"sessionId":"0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b","source":"LOCAL","event":"MISS","hash":"` + hashB + `","duration":0}]`
	w := f.do("POST", "/v8/artifacts/events?slug=team_a", body)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Len(t, got, 1)
	assert.Equal(t, "team_a", got[0].team)
	assert.Equal(t, []httpapi.Event{
		{SessionID: "0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b", Source: "REMOTE", Event: "HIT", Hash: hashA, Duration: 1234},
		{SessionID: "0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b", Source: "LOCAL", Event: "MISS", Hash: hashB},
	}, got[0].events)

	for _, tc := range []struct{ name, body string }{
		{"not an array", `{}`},
		{"bad source", `[{"source":"CLOUD","event":"HIT","hash":"ab"}]`},
		{"bad event", `[{"source":"LOCAL","event":"MAYBE","hash":"ab"}]`},
		{"bad hash", `[{"source":"LOCAL","event":"HIT","hash":"../ab"}]`},
		{"negative duration", `[{"source":"LOCAL","event":"HIT","hash":"ab","duration":-1}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.do("POST", "/v8/artifacts/events?slug=team_a", tc.body)
			assert.Equal(t, http.StatusBadRequest, w.Code)
			assert.Equal(t, "bad_request", errorCode(t, w))
		})
	}
	assert.Len(t, got, 1, "the hook saw invalid events")
}

func TestPreflight(t *testing.T) {
	f := newFixture(t, nil)
	for _, tc := range []struct{ target, methods string }{
		{"/v8/artifacts/" + hashA, "PUT"},
		{"/v8/artifacts/events", "POST"},
		{"/v8/artifacts", "POST"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			// Preflights carry no credentials.
			w := f.do("OPTIONS", tc.target, "", "Authorization", "")
			require.Equal(t, http.StatusOK, w.Code)
			allowed := strings.ToLower(w.Header().Get("Access-Control-Allow-Headers"))
			for _, h := range []string{"authorization", "content-type", "x-artifact-duration", "x-artifact-tag",
				"x-artifact-sha", "x-artifact-dirty-hash"} {
				assert.Contains(t, allowed, h)
			}
			assert.Contains(t, w.Header().Get("Access-Control-Allow-Methods"), tc.methods)
		})
	}
}

func TestRouting(t *testing.T) {
	f := newFixture(t, nil)
	for _, tc := range []struct {
		method, target string
		want           int
		allow          string
	}{
		{"GET", "/", http.StatusNotFound, ""},
		{"GET", "/v2/user", http.StatusNotFound, ""},
		{"GET", "/v8/artifactsx", http.StatusNotFound, ""},
		{"DELETE", "/v8/artifacts/" + hashA + "?slug=team_a", http.StatusMethodNotAllowed, "GET, HEAD, PUT, OPTIONS"},
		{"POST", "/v8/artifacts/status", http.StatusMethodNotAllowed, "GET, OPTIONS"},
		{"GET", "/v8/artifacts/events", http.StatusMethodNotAllowed, "POST, OPTIONS"},
		{"GET", "/v8/artifacts", http.StatusMethodNotAllowed, "POST, OPTIONS"},
		{"POST", "/v8/artifacts/", http.StatusOK, ""},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			w := f.do(tc.method, tc.target+"?slug=team_a", `{"hashes":[]}`)
			assert.Equal(t, tc.want, w.Code)
			assert.Equal(t, tc.allow, w.Header().Get("Allow"))
		})
	}
}

func TestTeams(t *testing.T) {
	for _, tc := range []struct {
		name, defaultTeam, query string
		want                     int
		team                     string
	}{
		{"teamId", "", "teamId=team_x", http.StatusAccepted, "team_x"},
		{"slug", "", "slug=my-team", http.StatusAccepted, "my-team"},
		{"teamId wins over slug", "", "slug=my-team&teamId=team_x", http.StatusAccepted, "team_x"},
		{"default team", "shared", "", http.StatusAccepted, "shared"},
		{"query wins over default", "shared", "slug=mine", http.StatusAccepted, "mine"},
		{"no team", "", "", http.StatusBadRequest, ""},
		{"repeated parameter", "", "slug=a&slug=b", http.StatusBadRequest, ""},
		{"malformed query", "", "slug=%zz", http.StatusBadRequest, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, &httpapi.Options{DefaultTeam: tc.defaultTeam})
			target := "/v8/artifacts/" + hashB
			if tc.query != "" {
				target += "?" + tc.query
			}
			w := f.do("PUT", target, "x")
			require.Equal(t, tc.want, w.Code, w.Body.String())
			if tc.want == http.StatusAccepted {
				_, err := f.store.Stat(t.Context(), tc.team+"/"+hashB)
				assert.NoError(t, err)
			} else {
				assert.Equal(t, "bad_request", errorCode(t, w))
			}
		})
	}
	_, err := httpapi.New(memstore.New(nil), &httpapi.Options{DefaultTeam: "../x"})
	assert.ErrorContains(t, err, "default team")
}
