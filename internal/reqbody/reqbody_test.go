package reqbody_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/reqbody"
)

func TestBodyKeepsTheFirstError(t *testing.T) {
	first := errors.New("first")
	r := httptest.NewRequest(http.MethodPut, "/", nil)
	r.Body = io.NopCloser(io.MultiReader(strings.NewReader("ab"), &failing{errs: []error{first, io.EOF}}))
	body := reqbody.Watch(r)
	_, err := io.ReadAll(r.Body)
	require.ErrorIs(t, err, first)
	_, _ = r.Body.Read(make([]byte, 1)) // io.EOF now
	assert.True(t, body.Failed(), "the first error, not the later io.EOF")
	assert.Equal(t, int64(2), body.BytesRead())
}

func TestWatchIsShared(t *testing.T) {
	r := httptest.NewRequest(http.MethodPut, "/", strings.NewReader("hello"))
	outer := reqbody.Watch(r)
	inner := reqbody.Watch(r.WithContext(context.Background()))
	require.Same(t, outer, inner, "a layer behind another watches the same Body")
	_, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Equal(t, int64(5), outer.BytesRead())
	assert.False(t, outer.Failed(), "io.EOF is the end, not a failure")
}

func TestUploadRefusesADeclaredLengthOverTheBound(t *testing.T) {
	r := httptest.NewRequest(http.MethodPut, "/", strings.NewReader("hello!"))
	_, _, fits := reqbody.Upload(httptest.NewRecorder(), r, 5)
	assert.False(t, fits)
	_, _, fits = reqbody.Upload(httptest.NewRecorder(), r, 0)
	assert.True(t, fits, "no bound")
}

func TestUpload(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		contentLength int64
		max           int64
		wantRead      string
		wantLimitHit  bool
	}{
		{"declared length within the bound, left to the store", "hello", 5, 5, "hello", false},
		{"chunked, within the bound", "hello", -1, 5, "hello", false},
		{"chunked, over the bound", "hello!", -1, 5, "hello", true},
		{"chunked, no bound", "hello!", -1, 0, "hello!", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPut, "/", strings.NewReader(tt.body))
			r.ContentLength = tt.contentLength
			body, upload, fits := reqbody.Upload(httptest.NewRecorder(), r, tt.max)
			require.True(t, fits)
			got, err := io.ReadAll(upload)
			assert.Equal(t, tt.wantRead, string(got))
			var maxBytes *http.MaxBytesError
			assert.Equal(t, tt.wantLimitHit, errors.As(err, &maxBytes), "err %v", err)
			assert.Equal(t, tt.wantLimitHit, body.LimitHit())
			assert.False(t, body.Failed(), "the client's body did not fail")
			assert.GreaterOrEqual(t, body.BytesRead(), int64(len(tt.wantRead)))
		})
	}
}

type failing struct{ errs []error }

func (f *failing) Read([]byte) (int, error) {
	err := f.errs[0]
	if len(f.errs) > 1 {
		f.errs = f.errs[1:]
	}
	return 0, err
}

func TestClientGone(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"the request's context ended", cancelled, errors.New("any"), true},
		{"a cancelled call", context.Background(), fmt.Errorf("put: %w", context.Canceled), true},
		{"a broken pipe", context.Background(), fmt.Errorf("write: %w", syscall.EPIPE), true},
		{"a reset", context.Background(), syscall.ECONNRESET, true},
		{"a handler timeout", context.Background(), http.ErrHandlerTimeout, true},
		{"the store's failure", context.Background(), errors.New("disk on fire"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, reqbody.ClientGone(tt.ctx, tt.err))
		})
	}
}
