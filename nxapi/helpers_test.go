package nxapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/nxapi"
	"github.com/turbocache/turbocache/storage"
)

// Tokens of the test servers: read-write, read-only, and limited to the
// team "web".
const (
	rwToken  = "rw-token"
	roToken  = "ro-token"
	webToken = "web-token"
)

func testAuth(t *testing.T) *httpapi.TokenAuth {
	t.Helper()
	auth, err := httpapi.NewTokenAuth(
		httpapi.Token{Name: "rw", Secret: rwToken},
		httpapi.Token{Name: "ro", Secret: roToken, ReadOnly: true},
		httpapi.Token{Name: "web", Secret: webToken, Teams: []string{"web"}},
	)
	require.NoError(t, err)
	return auth
}

// newServer serves an nxapi Handler over store with the test tokens; opts
// may be nil.
func newServer(t *testing.T, store storage.Store, opts *nxapi.Options) *httptest.Server {
	t.Helper()
	if opts == nil {
		opts = &nxapi.Options{}
	}
	auth := testAuth(t)
	if opts.Auth == nil {
		opts.Auth = auth
	}
	if opts.TeamOf == nil {
		opts.TeamOf = auth.TeamOf
	}
	h, err := nxapi.New(store, opts)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// answer is what a request got back.
type answer struct {
	code        int
	contentType string
	body        []byte
}

// send sends one request with the given token ("" for none).
func send(t *testing.T, url, method, token string, body []byte) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, r)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{code: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: got}
}

// counting is a Store that counts the calls made to it.
type counting struct {
	storage.Store
	calls atomic.Int64
}

func (c *counting) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	c.calls.Add(1)
	return c.Store.Get(ctx, key)
}

func (c *counting) Stat(ctx context.Context, key string) (storage.Info, error) {
	c.calls.Add(1)
	return c.Store.Stat(ctx, key)
}

func (c *counting) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	c.calls.Add(1)
	return c.Store.Put(ctx, key, r, size, md)
}

// plain hides every method of a store but those of storage.Store, as a
// store without Creator (Workers KV) would look.
type plain struct{ storage.Store }

// keysOf lists the keys of a Lister.
func keysOf(t *testing.T, s storage.Store) []string {
	t.Helper()
	keys := []string{}
	for obj, err := range s.(storage.Lister).List(context.Background(), "") {
		require.NoError(t, err)
		keys = append(keys, obj.Key)
	}
	return keys
}

// failing is a store whose every operation fails.
type failing struct{ storage.Store }

var errBackend = errors.New("backend down")

func (failing) Get(context.Context, string) (io.ReadCloser, storage.Info, error) {
	return nil, storage.Info{}, errBackend
}

func (failing) Stat(context.Context, string) (storage.Info, error) {
	return storage.Info{}, errBackend
}

func (failing) Put(context.Context, string, io.Reader, int64, storage.Metadata) error {
	return errBackend
}
