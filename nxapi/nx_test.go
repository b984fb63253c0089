package nxapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/nxtest"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/nxapi"
	"github.com/turbocache/turbocache/respwriter"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// servers holds the package's S3 servers.
var servers s3test.Pool

func TestMain(m *testing.M) {
	code := m.Run()
	servers.Close()
	os.Exit(code)
}

// wire records what nx sent and what it got back.
type wire struct {
	mu       sync.Mutex
	requests []string // "GET 404", one per request
	headers  map[string]bool
}

// record wraps h, noting each request's method and answer and the names
// (and some values) of the request headers.
func (w *wire) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := respwriter.New(rw)
		h.ServeHTTP(rec, r)
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.headers == nil {
			w.headers = map[string]bool{}
		}
		w.requests = append(w.requests, fmt.Sprintf("%s %d", r.Method, rec.Code))
		for name, vals := range r.Header {
			switch name {
			case "Authorization":
				scheme, _, _ := strings.Cut(vals[0], " ")
				w.headers[name+": "+scheme+" …"] = true
			case "Content-Length":
				w.headers[name] = true
			default:
				w.headers[name+": "+strings.Join(vals, ",")] = true
			}
		}
		w.headers[r.Proto] = true
	})
}

// count returns how many requests got the answer "METHOD code".
func (w *wire) count(answer string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, a := range w.requests {
		if a == answer {
			n++
		}
	}
	return n
}

func (w *wire) reset() {
	w.mu.Lock()
	w.requests = nil
	w.mu.Unlock()
}

func (w *wire) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	headers := make([]string, 0, len(w.headers))
	for h := range w.headers {
		headers = append(headers, h)
	}
	sort.Strings(headers)
	return fmt.Sprintf("answers %v; request headers %q", w.requests, headers)
}

// nxBackends are the stores the nx CLI runs against.
func nxBackends() []struct {
	name   string
	prefix string // the path the handler is mounted at
	open   func(t *testing.T) storage.Store
} {
	return []struct {
		name   string
		prefix string
		open   func(t *testing.T) storage.Store
	}{
		{"fsstore", "", func(t *testing.T) storage.Store {
			s, err := fsstore.Open(t.TempDir(), nil)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		}},
		{"versitygw", "/cache/nx", func(t *testing.T) storage.Store {
			srv := servers.Get(t, s3test.Options{})
			s, err := s3store.Open(context.Background(), s3store.Config{
				Bucket: srv.NewBucket(t), Region: srv.Region, Endpoint: srv.Endpoint, UsePathStyle: true,
				AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey, HTTPClient: srv.HTTPClient,
			})
			require.NoError(t, err)
			return s
		}},
	}
}

// serveNx serves an nxapi Handler over store at prefix, recording the wire.
func serveNx(t *testing.T, store storage.Store, prefix string, w *wire, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	h, err := nxapi.New(store, &nxapi.Options{Auth: testAuth(t)})
	require.NoError(t, err)
	var handler http.Handler = h
	if wrap != nil {
		handler = wrap(handler)
	}
	mux := http.NewServeMux()
	if prefix == "" {
		mux.Handle("/v1/", w.record(handler))
	} else {
		mux.Handle(prefix+"/", http.StripPrefix(prefix, w.record(handler)))
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + prefix
}

// records lists the keys of Nx records in a store.
func records(t *testing.T, s storage.Store) []string {
	t.Helper()
	keys := []string{}
	for _, k := range keysOf(t, s) {
		if strings.Contains(k, "/nx/") {
			keys = append(keys, k)
		}
	}
	return keys
}

// TestNx runs the real nx CLI against the handler: a first run builds every
// task and uploads its outputs, a second run with nothing cached locally
// restores every task from the remote cache.
func TestNx(t *testing.T) {
	for _, b := range nxBackends() {
		t.Run(b.name, func(t *testing.T) {
			store := b.open(t)
			var w wire
			url := serveNx(t, store, b.prefix, &w, nil)
			ws := nxtest.NewWorkspace(t, 3)

			ws.Run(t, nxtest.RunOptions{Server: url, Token: rwToken}).RequireRan(t, ws.Packages)
			built := map[string]string{}
			for _, p := range ws.Packages {
				built[p] = ws.Output(t, p)
			}
			assert.Equal(t, len(ws.Packages), w.count("GET 404"), "lookups of run 1: %s", &w)
			assert.Equal(t, len(ws.Packages), w.count("PUT 200"), "uploads of run 1: %s", &w)
			require.Len(t, records(t, store), len(ws.Packages))

			w.reset()
			ws.Run(t, nxtest.RunOptions{Server: url, Token: rwToken}).RequireRemoteHits(t, ws.Packages)
			for _, p := range ws.Packages {
				assert.Equal(t, built[p], ws.Output(t, p), "%s's output restored from the remote cache", p)
			}
			assert.Equal(t, len(ws.Packages), w.count("GET 200"), "lookups of run 2: %s", &w)
			assert.Zero(t, w.count("PUT 200"), "uploads of run 2: %s", &w)
			t.Logf("wire: %s", &w)
		})
	}
}

// TestNxReadOnly runs nx with a read-only token: the run succeeds, every
// upload is refused with 403, which nx takes silently, and nothing is
// stored.
func TestNxReadOnly(t *testing.T) {
	for _, b := range nxBackends() {
		t.Run(b.name, func(t *testing.T) {
			store := b.open(t)
			var w wire
			url := serveNx(t, store, b.prefix, &w, nil)
			ws := nxtest.NewWorkspace(t, 3)
			res := ws.Run(t, nxtest.RunOptions{Server: url, Token: roToken})
			res.RequireRan(t, ws.Packages)
			assert.Equal(t, len(ws.Packages), w.count("PUT 403"), "refused uploads: %s", &w)
			assert.Empty(t, records(t, store), "records stored with a read-only token")
			t.Logf("wire: %s\nnx printed:\n%s", &w, res.Output)
		})
	}
}

// TestNxConflict has nx upload records that exist: a cache that answers
// every lookup with 404 makes nx build and upload again, and the 409s it
// gets back must leave its run successful and the records unchanged.
func TestNxConflict(t *testing.T) {
	b := nxBackends()[0]
	store := b.open(t)
	var w wire
	forgetful := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				rw.Header().Set("Content-Type", "text/plain")
				rw.WriteHeader(http.StatusNotFound)
				return
			}
			h.ServeHTTP(rw, r)
		})
	}
	url := serveNx(t, store, b.prefix, &w, forgetful)
	ws := nxtest.NewWorkspace(t, 3)
	ws.Run(t, nxtest.RunOptions{Server: url, Token: rwToken}).RequireRan(t, ws.Packages)
	require.Equal(t, len(ws.Packages), w.count("PUT 200"), "%s", &w)
	w.reset()
	res := ws.Run(t, nxtest.RunOptions{Server: url, Token: rwToken})
	res.RequireRan(t, ws.Packages)
	assert.Equal(t, len(ws.Packages), w.count("PUT 409"), "uploads of existing records: %s", &w)
	t.Logf("wire: %s\nnx printed:\n%s", &w, res.Output)
}
