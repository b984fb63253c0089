package nxapi_test

import (
	"crypto/sha256"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/heappeak"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// TestStreams uploads and downloads a record much larger than the heap may
// grow by: both directions stream.
func TestStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 128 MiB each way")
	}
	const (
		size  = 128 << 20
		bound = 8 << 20
	)
	store, err := fsstore.Open(t.TempDir(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	srv := newServer(t, store, nil)
	url := srv.URL + "/v1/cache/424242"

	want := sha256.New()
	_, err = io.Copy(want, storagetest.Body(0, size))
	require.NoError(t, err)

	put := heappeak.Measure(func() {
		req, err := http.NewRequest("PUT", url, storagetest.Body(0, size))
		require.NoError(t, err)
		req.ContentLength = size
		req.Header.Set("Authorization", "Bearer "+rwToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	})
	t.Logf("PUT of %d MiB: heap grew by %.1f MiB", size>>20, float64(put)/(1<<20))
	require.Less(t, put, uint64(bound), "heap growth during an upload")

	got := sha256.New()
	get := heappeak.Measure(func() {
		req, err := http.NewRequest("GET", url, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+rwToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		n, err := io.Copy(got, resp.Body)
		require.NoError(t, err)
		require.Equal(t, int64(size), n)
	})
	t.Logf("GET of %d MiB: heap grew by %.1f MiB", size>>20, float64(get)/(1<<20))
	require.Less(t, get, uint64(bound), "heap growth during a download")
	require.Equal(t, want.Sum(nil), got.Sum(nil), "the downloaded bytes")
}
