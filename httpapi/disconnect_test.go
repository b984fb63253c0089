package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/syncbuf"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// doneServer serves h and reports on done each time a request's handler
// returns.
func doneServer(t *testing.T, h http.Handler) (addr string, done <-chan struct{}) {
	ch := make(chan struct{}, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { ch <- struct{}{} }()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), ch
}

func waitDone(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler did not return")
	}
}

// TestPutClientDisconnects sends part of an upload over a raw connection and
// closes it: no artifact may be stored, and nothing is logged as an error.
func TestPutClientDisconnects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		size  int
		sent  int
		store func() storage.Store
	}{
		{"memstore, 1 MiB, sent 100 KiB", 1 << 20, 100 << 10, func() storage.Store { return memstore.New(nil) }},
		{"memstore, 1 MiB, sent nothing", 1 << 20, 0, func() storage.Store { return memstore.New(nil) }},
		{"memstore, 1 MiB, one byte short", 1 << 20, 1<<20 - 1, func() storage.Store { return memstore.New(nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := tc.store()
			addr, done, logs := loggedServer(t, store)

			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			_, err = fmt.Fprintf(conn, "PUT /v8/artifacts/%s?slug=team_a HTTP/1.1\r\nHost: x\r\n"+
				"Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", hashA, tc.size)
			require.NoError(t, err)
			_, err = conn.Write(make([]byte, tc.sent))
			require.NoError(t, err)
			require.NoError(t, conn.Close())
			waitDone(t, done)

			_, err = store.Stat(context.Background(), "team_a/"+hashA)
			assert.ErrorIs(t, err, storage.ErrNotFound, "a broken upload left an artifact")
			assert.NotContains(t, logs.String(), "level=ERROR")
			assert.Contains(t, logs.String(), "client went away")
		})
	}
}

// TestGetClientDisconnects closes the connection while a download is being
// sent: the server does not log it as an error.
func TestGetClientDisconnects(t *testing.T) {
	store := memstore.New(nil)
	const size = 32 << 20
	require.NoError(t, store.Put(t.Context(), "team_a/"+hashA, bytes.NewReader(make([]byte, size)), size, storage.Metadata{}))
	addr, done, logs := loggedServer(t, store)

	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	_, err = fmt.Fprintf(conn, "GET /v8/artifacts/%s?slug=team_a HTTP/1.1\r\nHost: x\r\n\r\n", hashA)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = io.CopyN(io.Discard, resp.Body, 1<<20)
	require.NoError(t, err)
	require.NoError(t, conn.Close())
	waitDone(t, done)
	assert.NotContains(t, logs.String(), "level=ERROR")
	assert.True(t, strings.Contains(logs.String(), "client went away"), logs.String())
}

// loggedServer serves a handler over store that logs at debug level into
// the buffer it returns, as doneServer does.
func loggedServer(t *testing.T, store storage.Store) (addr string, done <-chan struct{}, logs *syncbuf.Buffer) {
	t.Helper()
	logs = &syncbuf.Buffer{}
	h, err := httpapi.New(store, &httpapi.Options{
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	require.NoError(t, err)
	addr, done = doneServer(t, h)
	return addr, done, logs
}
