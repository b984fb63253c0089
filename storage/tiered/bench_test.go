package tiered_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// benchKey is the artifact the benchmarks download, as httpapi names it.
const (
	benchHash = "0123456789abcdef"
	benchKey  = "web/" + benchHash
)

// serveHTTP serves s with httpapi on a loopback port and returns the
// artifact's URL: downloads go through net/http, with sendfile for files,
// as in the server.
func serveHTTP(b *testing.B, s storage.Store) string {
	b.Helper()
	h, err := httpapi.New(s, nil)
	require.NoError(b, err)
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL + "/v8/artifacts/" + benchHash + "?slug=web"
}

// download GETs url once and discards the body.
func download(client *http.Client, url string, size int64, buf []byte) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{resp.Body}, buf)
	resp.Body.Close()
	switch {
	case err != nil:
		return err
	case resp.StatusCode != http.StatusOK || n != size:
		return fmt.Errorf("GET %s: %s, %d of %d bytes", url, resp.Status, n, size)
	}
	return nil
}

// BenchmarkGet downloads one artifact over HTTP from: the local directory
// alone (fsstore), the tier over S3 with the artifact on its disk (hot),
// S3 alone (s3store), and the tier over S3 with its disk emptied before
// each download (cold: the download fills it). S3 is versitygw on
// loopback.
func BenchmarkGet(b *testing.B) {
	srv := s3servers.Get(b, s3test.Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		size int64
		cold bool
	}{{"10KiB", 10 << 10, false}, {"100MiB", 100 << 20, true}} {
		body := make([]byte, tc.size)
		rng := rand.NewChaCha8([32]byte{1})
		_, _ = rng.Read(body)
		putBody := func(s storage.Store) {
			require.NoError(b, s.Put(ctx, benchKey, bytes.NewReader(body), tc.size, md))
		}
		buf := make([]byte, 256<<10)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}

		local, err := fsstore.Open(filepath.Join(b.TempDir(), "artifacts"), nil)
		require.NoError(b, err)
		putBody(local)
		fsURL := serveHTTP(b, local)

		s3 := openS3(b, srv)
		putBody(s3)
		s3URL := serveHTTP(b, s3)

		hot := newTier(b, openS3(b, srv), nil)
		putBody(hot)
		drain(b, hot.Store)
		hotURL := serveHTTP(b, hot)

		run := func(name, url string, before func()) {
			b.Run(tc.name+"/"+name, func(b *testing.B) {
				b.SetBytes(tc.size)
				for b.Loop() {
					if before != nil {
						b.StopTimer()
						before()
						b.StartTimer()
					}
					require.NoError(b, download(client, url, tc.size, buf))
				}
			})
		}
		run("hot/fsstore", fsURL, nil)
		run("hot/tier", hotURL, nil)
		if !tc.cold {
			// Small artifacts also with 16 downloads at once, as a
			// build's many small tasks fetch them.
			parallel := func(name, url string) {
				b.Run(tc.name+"/hot16/"+name, func(b *testing.B) {
					b.SetBytes(tc.size)
					b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
					c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
					b.RunParallel(func(pb *testing.PB) {
						buf := make([]byte, 32<<10)
						for pb.Next() {
							if err := download(c, url, tc.size, buf); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
			parallel("fsstore", fsURL)
			parallel("tier", hotURL)
			continue
		}
		run("cold/s3store", s3URL, nil)
		cold := newTier(b, s3, nil)
		coldURL := serveHTTP(b, cold)
		fills := int64(0)
		run("cold/tier", coldURL, func() {
			// The previous download's fill ends after its last byte
			// was sent; wait for it, then empty the disk.
			for cold.Stats().Fills+cold.Stats().FillFailures < fills {
				time.Sleep(time.Millisecond)
			}
			require.NoError(b, cold.local.Delete(ctx, benchKey))
			fills++
		})
	}
}
