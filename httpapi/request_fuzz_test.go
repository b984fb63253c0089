package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// spyStore records every key the handler hands to its store.
type spyStore struct {
	storage.Store

	mu   sync.Mutex
	keys []string
	puts []string
}

func (s *spyStore) touch(key string, put bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, key)
	if put {
		s.puts = append(s.puts, key)
	}
}

func (s *spyStore) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	s.touch(key, false)
	return s.Store.Get(ctx, key)
}

func (s *spyStore) Stat(ctx context.Context, key string) (storage.Info, error) {
	s.touch(key, false)
	return s.Store.Stat(ctx, key)
}

func (s *spyStore) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	s.touch(key, true)
	return s.Store.Put(ctx, key, r, size, md)
}

func (s *spyStore) Delete(ctx context.Context, key string) error {
	s.touch(key, true)
	return s.Store.Delete(ctx, key)
}

// truncatedBody is what net/http hands a handler when the client closes
// the connection before sending Content-Length bytes.
type truncatedBody struct{ r io.Reader }

func (b truncatedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (truncatedBody) Close() error { return nil }

// fuzzTokens are the credentials a fuzzed request may carry, by index.
var fuzzTokens = []struct {
	header   string
	readOnly bool
	teams    []string // nil: any team; empty: none at all
}{
	{"", false, []string{}},
	{"Bearer rw-token", false, nil},
	{"bearer  ro-token ", true, nil},
	{"Bearer team-a-token", false, []string{"team_a"}},
	{"Bearer wrong-token", false, []string{}},
	{"Basic cnctdG9rZW4=", false, []string{}},
}

// expectedTeam is the team a request's query names, as the protocol says:
// teamId if present, else slug, else the default. ok is false when the
// query names no single team, so the store must not be touched.
func expectedTeam(rawQuery, def string) (string, bool) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", false
	}
	for _, p := range []string{"teamId", "slug"} {
		if vals, ok := q[p]; ok {
			return strings.ToLower(vals[0]), len(vals) == 1 // teams are one whatever their case
		}
	}
	return def, true
}

// FuzzRequest sends arbitrary requests (method, path, query, credentials,
// metadata headers, body and declared length) to a Handler over a memory
// store and checks the invariants no request may break: the handler does not
// panic or answer 5xx, every key it hands the store is "<team>/<hash>" for
// the team the request names and its credentials allow, read-only and
// unauthenticated requests store nothing, an accepted upload stored exactly
// its body, and events are reported for the request's team.
func FuzzRequest(f *testing.F) {
	const hash = "0123456789abcdef"
	for _, s := range []struct {
		method       uint8
		path, query  string
		token        uint8
		meta         string
		body         string
		chunked      bool
		lengthAdjust int8
	}{
		{0, "/" + hash, "teamId=team_a", 1, "", "", false, 0},
		{2, "/" + hash, "teamId=team_a&slug=acme", 1, "1200\ntag\nsha\ndirty", "artifact bytes", false, 0},
		{2, "/" + hash, "slug=acme", 3, "12", "artifact", false, 0},
		{2, "/" + hash, "", 2, "", "read-only", false, 0},
		{2, "/" + hash, "teamId=team_a", 1, "", "short", false, 3},
		{2, "/" + hash, "teamId=team_a", 1, "", "chunked", true, 0},
		{2, "/..%2F" + hash, "slug=..", 1, "", "x", false, 0},
		{2, "/" + hash, "slug=a&slug=b", 1, "", "x", false, 0},
		{2, "/" + hash, "teamId=%2e%2e", 1, "-1", "x", false, 0},
		{2, "/" + hash, "teamId=team_a;x", 1, "9223372036854775807", "x", false, 0},
		{1, "/" + hash, "slug=acme", 2, "", "", false, 0},
		{3, "", "teamId=team_a", 1, "", `{"hashes":["` + hash + `","ff"]}`, false, 0},
		{3, "/", "teamId=team_a", 2, "", `{"hashes":["../x"]}`, false, 0},
		{3, "", "teamId=team_a", 1, "", `{"hashes":[1]} {}`, false, 0},
		{3, "/events", "slug=acme", 1, "", `[{"sessionId":"0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b","source":"REMOTE","event":"HIT","hash":"` + hash + `","duration":5}]`, false, 0},
		{3, "/events", "slug=acme", 3, "", `[{"source":"LOCAL","event":"MISS","hash":"` + hash + `"}]`, false, 0},
		{3, "/events", "slug=acme", 1, "", `[{"source":"X","event":"HIT","hash":"zz","duration":-1}]`, false, 0},
		{0, "/status", "", 1, "", "", false, 0},
		{0, "/status", "", 0, "", "", false, 0},
		{4, "/" + hash, "", 0, "", "", false, 0},
		{5, "/" + hash, "teamId=team_a", 1, "", "", false, 0},
	} {
		f.Add(s.method, s.path, s.query, s.token, s.meta, []byte(s.body), s.chunked, s.lengthAdjust)
	}
	methods := []string{"GET", "HEAD", "PUT", "POST", "OPTIONS", "DELETE", "PATCH"}
	f.Fuzz(func(t *testing.T, method uint8, path, query string, token uint8, meta string, body []byte, chunked bool, lengthAdjust int8) {
		target := "/v8/artifacts" + path
		if query != "" {
			target += "?" + query
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || u.Host != "" || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
			return // net/http refuses such a request line before any handler
		}
		cred := fuzzTokens[int(token)%len(fuzzTokens)]
		auth, err := httpapi.NewTokenAuth(
			httpapi.Token{Name: "rw", Secret: "rw-token"},
			httpapi.Token{Name: "ro", Secret: "ro-token", ReadOnly: true},
			httpapi.Token{Name: "a", Secret: "team-a-token", Teams: []string{"team_a"}},
		)
		if err != nil {
			t.Fatal(err)
		}
		store := &spyStore{Store: memstore.New(nil)}
		const defaultTeam = "dflt"
		wantTeam, teamOK := expectedTeam(u.RawQuery, defaultTeam)
		var evMu sync.Mutex
		var evTeams []string
		h, err := httpapi.New(store, &httpapi.Options{
			Auth:        auth,
			DefaultTeam: defaultTeam,
			OnEvents: func(_ context.Context, team string, events []httpapi.Event) {
				for _, e := range events {
					if httpapi.ValidHash(e.Hash) != nil {
						t.Errorf("OnEvents got an invalid hash %q", e.Hash)
					}
				}
				evMu.Lock()
				evTeams = append(evTeams, team)
				evMu.Unlock()
			},
		})
		if err != nil {
			t.Fatal(err)
		}

		r := httptest.NewRequest(methods[int(method)%len(methods)], "/", nil)
		r.URL, r.RequestURI = u, target
		r.ContentLength = int64(len(body))
		r.Body = io.NopCloser(bytes.NewReader(body))
		if chunked {
			r.ContentLength = -1
		} else if lengthAdjust > 0 {
			r.ContentLength += int64(lengthAdjust)
			r.Body = truncatedBody{bytes.NewReader(body)}
		}
		if cred.header != "" {
			r.Header.Set("Authorization", cred.header)
		}
		for i, v := range strings.SplitN(meta, "\n", 4) {
			name := []string{"x-artifact-duration", "x-artifact-tag", "x-artifact-sha", "x-artifact-dirty-hash"}[i]
			r.Header.Set(name, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)

		if w.Code >= 500 {
			t.Fatalf("%s %s: status %d: %s", r.Method, target, w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); w.Code >= 400 && ct != "application/json" {
			t.Fatalf("%s %s: error %d with Content-Type %q", r.Method, target, w.Code, ct)
		}
		if w.Code >= 400 && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s: error %d with a body that is not JSON: %q", r.Method, target, w.Code, w.Body)
		}
		store.mu.Lock()
		keys, puts := store.keys, store.puts
		store.mu.Unlock()
		if len(keys) > 0 && !teamOK {
			t.Fatalf("%s %s: store touched (%q) though the query names no single team", r.Method, target, keys)
		}
		for _, key := range keys {
			team, hash, ok := strings.Cut(key, "/")
			switch {
			case !ok || team != wantTeam:
				t.Fatalf("%s %s: key %q is not under the request's team %q", r.Method, target, key, wantTeam)
			case httpapi.ValidHash(hash) != nil || storage.ValidKey(key) != nil:
				t.Fatalf("%s %s: invalid key %q reached the store", r.Method, target, key)
			case cred.teams != nil && !slices.Contains(cred.teams, team):
				t.Fatalf("%s %s: key %q of a team the credentials %q may not access", r.Method, target, key, cred.header)
			}
		}
		if len(puts) > 0 && (cred.readOnly || cred.teams != nil && len(cred.teams) == 0) {
			t.Fatalf("%s %s: credentials %q wrote %q", r.Method, target, cred.header, puts)
		}
		if r.Method == "PUT" && w.Code/100 == 2 {
			if len(puts) != 1 {
				t.Fatalf("PUT %s: %d answered with %d store writes", target, w.Code, len(puts))
			}
			rc, _, err := store.Store.Get(context.Background(), puts[0])
			if err != nil {
				t.Fatalf("PUT %s: %d, then %v", target, w.Code, err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, body) {
				t.Fatalf("PUT %s: stored %d bytes, sent %d", target, len(got), len(body))
			}
		}
		for _, team := range evTeams {
			if team != wantTeam || cred.teams != nil && !slices.Contains(cred.teams, team) {
				t.Fatalf("%s %s: events reported for team %q, want %q", r.Method, target, team, wantTeam)
			}
		}
	})
}
