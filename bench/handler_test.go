package bench_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/bench/internal/floor"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/fsstore"
)

const (
	smallSize = 10 << 10
	token     = "bench-token"
)

// servers are the handlers the small-artifact benchmarks compare: the
// protocol handler with token authentication over fsstore, as the
// standalone server runs it (batched syncs, and with SyncEachPut, as
// STORAGE_SYNC=always runs it), the floor server, and the floor server
// with fsync.
func servers(b *testing.B) []struct {
	name string
	srv  *httptest.Server
} {
	ours := func(opts *fsstore.Options) *httptest.Server {
		store, err := fsstore.Open(b.TempDir(), opts)
		require.NoError(b, err)
		b.Cleanup(func() { _ = store.Close() })
		auth, err := httpapi.NewTokenAuth(httpapi.Token{Name: "TURBO_TOKEN", Secret: token})
		require.NoError(b, err)
		h, err := httpapi.New(store, &httpapi.Options{Auth: auth})
		require.NoError(b, err)
		return httptest.NewServer(h)
	}
	floorOf := func(opts *floor.Options) *httptest.Server {
		fl, err := floor.New(b.TempDir(), opts)
		require.NoError(b, err)
		return httptest.NewServer(fl)
	}
	list := []struct {
		name string
		srv  *httptest.Server
	}{
		{"turbocache", ours(nil)},
		{"turbocache-sync-each", ours(&fsstore.Options{SyncEachPut: true})},
		{"floor", floorOf(nil)},
		{"floor-fsync", floorOf(&floor.Options{Sync: true})},
	}
	for _, s := range list {
		b.Cleanup(s.srv.Close)
	}
	return list
}

// client keeps up to 16 connections, as turbo does.
func client() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, MaxConnsPerHost: 16, DisableCompression: true}}
}

func put(b *testing.B, c *http.Client, url string, body []byte) {
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("x-artifact-duration", "1234")
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b.Fatalf("PUT %s: %s", url, resp.Status)
	}
}

func get(b *testing.B, c *http.Client, url string, buf []byte) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %s", url, resp.Status)
	}
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSmallGet downloads one 10 KiB artifact over 16 keep-alive
// connections from the handler and from the floor server.
func BenchmarkSmallGet(b *testing.B) {
	for _, s := range servers(b) {
		b.Run(s.name, func(b *testing.B) {
			c := client()
			defer c.CloseIdleConnections()
			url := s.srv.URL + "/v8/artifacts/0123456789abcdef?slug=bench"
			put(b, c, url, make([]byte, smallSize))
			b.SetBytes(smallSize)
			b.SetParallelism(8) // 16 goroutines on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				buf := make([]byte, smallSize)
				for pb.Next() {
					get(b, c, url, buf)
				}
			})
		})
	}
}

// BenchmarkSmallPut uploads distinct 10 KiB artifacts over 16 keep-alive
// connections to the handler and to the floor server.
func BenchmarkSmallPut(b *testing.B) {
	for _, s := range servers(b) {
		b.Run(s.name, func(b *testing.B) {
			c := client()
			defer c.CloseIdleConnections()
			body := make([]byte, smallSize)
			var n atomic.Int64
			b.SetBytes(smallSize)
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					put(b, c, fmt.Sprintf("%s/v8/artifacts/%016x?slug=bench", s.srv.URL, n.Add(1)), body)
				}
			})
		})
	}
}
