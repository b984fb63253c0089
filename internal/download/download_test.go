package download_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/download"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

func TestOpenAndSend(t *testing.T) {
	ctx := context.Background()
	store := memstore.New(nil)
	require.NoError(t, store.Put(ctx, "team/k", bytes.NewReader([]byte("artifact")), 8, storage.Metadata{Tag: "t"}))

	for _, tc := range []struct {
		method, want string
	}{
		{http.MethodGet, "artifact"},
		{http.MethodHead, ""},
	} {
		t.Run(tc.method, func(t *testing.T) {
			body, info, err := download.Open(ctx, store, tc.method, "team/k")
			require.NoError(t, err)
			assert.Equal(t, int64(8), info.Size)
			assert.Equal(t, "t", info.Tag)
			assert.Equal(t, tc.method == http.MethodHead, body == nil, "a HEAD opens no body")
			w := httptest.NewRecorder()
			require.NoError(t, download.Send(w, body, info.Size))
			assert.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, tc.want, w.Body.String())
		})
	}
	_, _, err := download.Open(ctx, store, http.MethodHead, "team/missing")
	require.ErrorIs(t, err, storage.ErrNotFound)
}
