package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/fsstore"
)

func boundedServer(t *testing.T, dir string, bound int64) (*httptest.Server, *fsstore.Store) {
	t.Helper()
	store, err := fsstore.Open(dir, &fsstore.Options{MaxSize: bound})
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	h, err := httpapi.New(store, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, store
}

func putBytes(t *testing.T, url string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// dirBytes adds up the sizes of the regular files below dir.
func dirBytes(dir string) int64 {
	var total int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				total += fi.Size()
			}
		}
		return nil
	})
	return total
}

// TestBoundedStoreAcceptsEveryUpload uploads 1,000 artifacts of 1 MiB into
// a store bounded to 200 MiB: each is answered 202, and the directory never
// holds more than the bound plus the uploads in flight.
func TestBoundedStoreAcceptsEveryUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 1 GiB")
	}
	const (
		n       = 1000
		size    = 1 << 20
		bound   = 200 << 20
		clients = 8
	)
	dir := t.TempDir()
	srv, store := boundedServer(t, dir, bound)
	body := bytes.Repeat([]byte{'x'}, size)
	var next, refused atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for i := next.Add(1); i <= n; i = next.Add(1) {
				resp := putBytes(t, fmt.Sprintf("%s/v8/artifacts/%016x?slug=team", srv.URL, i), body)
				if resp.StatusCode != http.StatusAccepted {
					refused.Add(1)
				}
			}
		})
	}
	var peak int64
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				peak = max(peak, dirBytes(dir))
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-watched
	assert.Zero(t, refused.Load(), "uploads not answered 202")
	inFlight := int64(clients) * (size + 1024)
	assert.LessOrEqual(t, peak, int64(bound)+inFlight, "bytes on disk above the bound and the uploads in flight")
	assert.LessOrEqual(t, dirBytes(dir), int64(bound))
	u := store.Usage()
	assert.Equal(t, int64(n), u.Artifacts+u.Evictions)
	t.Logf("peak %d bytes on disk for a bound of %d; %d evictions", peak, bound, u.Evictions)
}

// TestBoundedStoreRefusesBeforeTheBody: an upload whose Content-Length
// exceeds the store's bound is answered 413 without its body being sent.
func TestBoundedStoreRefusesBeforeTheBody(t *testing.T) {
	srv, _ := boundedServer(t, t.TempDir(), 1<<20)
	addr := srv.Listener.Addr().String()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	// Headers only: the 2 MiB body is never sent.
	_, err = fmt.Fprintf(conn, "PUT /v8/artifacts/%s?slug=team HTTP/1.1\r\nHost: %s\r\n"+
		"Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", hashA, addr, 2<<20)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
}

// TestFullDiskAnswers507: with the disk full of other data and nothing left
// to evict, an upload gets 507 with a JSON error, nothing partial is kept,
// and downloads keep working.
func TestFullDiskAnswers507(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("TURBOCACHE_REQUIRE_SERVERS") == "1" {
			t.Fatalf("mounting a tmpfs: %v: %s", err, out)
		}
		t.Skipf("mounting a tmpfs needs root: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	cache := filepath.Join(dir, "cache")
	srv, _ := boundedServer(t, cache, 0)
	small := bytes.Repeat([]byte{'s'}, 10<<10)
	require.Equal(t, http.StatusAccepted, putBytes(t, srv.URL+"/v8/artifacts/"+hashA+"?slug=team", small).StatusCode)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "filler"), make([]byte, 4<<20-(10<<10)-(256<<10)), 0o600))

	req, err := http.NewRequest(http.MethodPut, srv.URL+"/v8/artifacts/"+hashB+"?slug=team", bytes.NewReader(make([]byte, 1<<20)))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusInsufficientStorage, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var body struct {
		Error struct{ Code, Message string }
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, "insufficient_storage", body.Error.Code)

	get, err := http.Get(srv.URL + "/v8/artifacts/" + hashB + "?slug=team")
	require.NoError(t, err)
	get.Body.Close()
	assert.Equal(t, http.StatusNotFound, get.StatusCode, "nothing partial is served")

	// The small artifact was evicted to make room, in vain; a new small one
	// fits and is served.
	require.Equal(t, http.StatusAccepted, putBytes(t, srv.URL+"/v8/artifacts/"+hashA+"?slug=team", small).StatusCode)
	get, err = http.Get(srv.URL + "/v8/artifacts/" + hashA + "?slug=team")
	require.NoError(t, err)
	got, err := io.ReadAll(get.Body)
	get.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, get.StatusCode)
	assert.Equal(t, small, got)
}
