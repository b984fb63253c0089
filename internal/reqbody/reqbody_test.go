package reqbody_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/reqbody"
)

func TestRecorderKeepsTheFirstError(t *testing.T) {
	first := errors.New("first")
	r := &reqbody.Recorder{R: io.MultiReader(strings.NewReader("ab"), &failing{errs: []error{first, io.EOF}})}
	_, err := io.ReadAll(r)
	require.ErrorIs(t, err, first)
	_, _ = r.Read(make([]byte, 1))
	assert.ErrorIs(t, r.Err, first)
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
