package download_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/download"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/usage"
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

// fileSink is a ResponseWriter that, like net/http's, takes a copy through
// ReadFrom, and records what it was given to read from.
type fileSink struct {
	*httptest.ResponseRecorder
	src io.Reader
}

func (f *fileSink) ReadFrom(r io.Reader) (int64, error) {
	f.src = r
	return io.Copy(f.ResponseRecorder, r)
}

// Behind the usage recorder's counting wrapper, a file still reaches the
// ResponseWriter as a file (net/http's condition for sendfile), and the
// recorder still counts the bytes sent.
func TestSendKeepsFilesForSendfile(t *testing.T) {
	ctx := context.Background()
	fs, err := fsstore.Open(t.TempDir(), nil)
	require.NoError(t, err)
	defer fs.Close()
	rec := usage.New(memstore.New(nil), &usage.Options{Replica: "r"})
	store := rec.Store(fs)
	require.NoError(t, store.Put(ctx, "team/0123abcd", bytes.NewReader([]byte("artifact")), 8, storage.Metadata{}))

	body, info, err := download.Open(ctx, store, http.MethodGet, "team/0123abcd")
	require.NoError(t, err)
	w := &fileSink{ResponseRecorder: httptest.NewRecorder()}
	require.NoError(t, download.Send(w, body, info.Size))
	assert.Equal(t, "artifact", w.Body.String())
	lr, ok := w.src.(*io.LimitedReader)
	require.True(t, ok, "the copy's source is %T", w.src)
	assert.IsType(t, &os.File{}, lr.R, "the file itself, not the counting wrapper")

	require.NoError(t, rec.Flush(ctx))
	rep, err := rec.Read(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, int64(8), rep.Total.DownloadedBytes)
}
