package nxapi_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/nxapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// rawPut sends the head of a PUT with the given Content-Length ("" for a
// chunked upload), then body, over a new connection, and half-closes the
// connection when closeAfter is set. It returns the answer's status code, or
// 0 when the server closed the connection without one.
func rawPut(t *testing.T, addr, hash, contentLength, body string, closeAfter bool) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	length := "Transfer-Encoding: chunked"
	if contentLength != "" {
		length = "Content-Length: " + contentLength
	}
	_, err = fmt.Fprintf(conn, "PUT /v1/cache/%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n%s\r\n\r\n%s",
		hash, addr, rwToken, length, body)
	require.NoError(t, err)
	if closeAfter {
		require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

func TestShortUpload(t *testing.T) {
	for _, st := range stores() {
		t.Run(st.name, func(t *testing.T) {
			store := st.open(t)
			srv := newServer(t, store, nil)
			addr := srv.Listener.Addr().String()
			code := rawPut(t, addr, "31", "1000", strings.Repeat("x", 10), true)
			assert.Contains(t, []int{0, http.StatusBadRequest}, code, "a body shorter than its Content-Length")
			got := send(t, srv.URL+"/v1/cache/31", "GET", rwToken, nil)
			assert.Equal(t, http.StatusNotFound, got.code, "a short upload stored %d bytes", len(got.body))
			// Nothing the short upload left blocks the next one.
			require.Equal(t, http.StatusOK, send(t, srv.URL+"/v1/cache/31", "PUT", rwToken, []byte("whole")).code)
		})
	}
}

func TestOversizeUpload(t *testing.T) {
	const limit = 1000
	for _, st := range stores() {
		t.Run(st.name, func(t *testing.T) {
			store := st.open(t)
			srv := newServer(t, store, &nxapi.Options{MaxArtifactSize: limit})
			addr := srv.Listener.Addr().String()

			// Refused on its Content-Length, before the body is read: no
			// byte of the body is ever sent here.
			start := time.Now()
			assert.Equal(t, http.StatusRequestEntityTooLarge, rawPut(t, addr, "41", fmt.Sprint(8<<30), "", false))
			assert.Less(t, time.Since(start), 5*time.Second)

			// Chunked, found too large while reading.
			chunk := strings.Repeat("y", limit+1)
			chunked := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(chunk), chunk)
			assert.Equal(t, http.StatusRequestEntityTooLarge, rawPut(t, addr, "42", "", chunked, false))

			got := send(t, srv.URL+"/v1/cache/43", "PUT", rwToken, []byte(strings.Repeat("z", limit+1)))
			assert.Equal(t, http.StatusRequestEntityTooLarge, got.code)
			assert.Equal(t, "text/plain", got.contentType)
			for _, hash := range []string{"41", "42", "43"} {
				assert.Equal(t, http.StatusNotFound, send(t, srv.URL+"/v1/cache/"+hash, "GET", rwToken, nil).code, hash)
			}
			assert.Equal(t, http.StatusOK, send(t, srv.URL+"/v1/cache/44", "PUT", rwToken, []byte(strings.Repeat("z", limit))).code,
				"a record of exactly the limit")
		})
	}
}

// TestStalledDownload has a client ask for a large record and read none of
// it: the download must end at Options.DownloadTimeout, not hold the
// handler for as long as the client stalls.
func TestStalledDownload(t *testing.T) {
	const timeout = 300 * time.Millisecond
	store := memstore.New(nil)
	record := strings.Repeat("r", 64<<20) // far more than socket buffers hold
	require.NoError(t, store.Put(t.Context(), "nx/nx/51", strings.NewReader(record), int64(len(record)), storage.Metadata{}))
	h, err := nxapi.New(store, &nxapi.Options{DownloadTimeout: timeout})
	require.NoError(t, err)
	done := make(chan time.Duration, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		done <- time.Since(start)
	}))
	t.Cleanup(srv.Close)

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "GET /v1/cache/51 HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	select {
	case took := <-done:
		assert.GreaterOrEqual(t, took, timeout, "the download ended before its timeout")
	case <-time.After(timeout + 10*time.Second):
		t.Fatal("the stalled download still holds the handler")
	}
	// The client gets fewer bytes than the record: a short body, never a
	// whole-looking one.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	n, _ := io.Copy(io.Discard, conn)
	assert.Less(t, n, int64(len(record)))
}
