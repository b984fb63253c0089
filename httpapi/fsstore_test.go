package httpapi_test

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/heappeak"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// fsServer serves a handler over an fsstore in a temporary directory.
func fsServer(t testing.TB) *httptest.Server {
	t.Helper()
	store, err := fsstore.Open(t.TempDir(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	h, err := httpapi.New(store, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func upload(t testing.TB, c *http.Client, url string, body io.Reader, size int64) {
	t.Helper()
	req, err := http.NewRequest("PUT", url, body)
	require.NoError(t, err)
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
}

func download(t testing.TB, c *http.Client, url string, w io.Writer) int64 {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	n, err := io.Copy(w, resp.Body)
	require.NoError(t, err)
	require.Equal(t, resp.ContentLength, n)
	return n
}

// TestStreamingMemory uploads and downloads a 256 MiB artifact through the
// handler with fsstore and checks that the heap does not grow with it.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 512 MiB through the handler")
	}
	const size = 256 << 20
	const limit = 16 << 20
	srv := fsServer(t)
	url := srv.URL + "/v8/artifacts/" + hashA + "?slug=team_a"
	c := srv.Client()

	want := sha256.New()
	up := heappeak.Measure(func() {
		upload(t, c, url, io.TeeReader(storagetest.Body(1, size), want), size)
	})

	got := sha256.New()
	var n int64
	down := heappeak.Measure(func() {
		n = download(t, c, url, got)
	})

	require.EqualValues(t, size, n)
	assert.Equal(t, want.Sum(nil), got.Sum(nil), "the download differs from the upload")
	t.Logf("heap growth for %d MiB: upload %.1f MiB, download %.1f MiB (limit %d MiB)",
		size>>20, float64(up)/(1<<20), float64(down)/(1<<20), limit>>20)
	assert.Less(t, up, uint64(limit), "upload heap growth")
	assert.Less(t, down, uint64(limit), "download heap growth")
}

// BenchmarkPut uploads artifacts through the handler into fsstore.
func BenchmarkPut(b *testing.B) {
	for _, size := range []int64{10 << 10, 100 << 20} {
		b.Run(sizeName(size), func(b *testing.B) {
			srv := fsServer(b)
			c := srv.Client()
			b.SetBytes(size)
			for i := 0; b.Loop(); i++ {
				upload(b, c, fmt.Sprintf("%s/v8/artifacts/%016x?slug=bench", srv.URL, i), storagetest.Body(uint64(i), size), size)
			}
		})
	}
}

// BenchmarkGet downloads an artifact from fsstore through the handler.
func BenchmarkGet(b *testing.B) {
	for _, size := range []int64{10 << 10, 100 << 20} {
		b.Run(sizeName(size), func(b *testing.B) {
			srv := fsServer(b)
			c := srv.Client()
			url := srv.URL + "/v8/artifacts/" + hashA + "?slug=bench"
			upload(b, c, url, storagetest.Body(1, size), size)
			b.SetBytes(size)
			for b.Loop() {
				download(b, c, url, io.Discard)
			}
		})
	}
}

func sizeName(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%dKiB", n>>10)
}
