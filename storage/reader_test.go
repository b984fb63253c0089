package storage_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

func TestExactReader(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	errBoom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		r       io.Reader
		size    int64
		wantErr error  // nil: must succeed
		text    string // expected in the error
	}{
		{name: "exact", r: strings.NewReader("hello"), size: 5},
		{name: "empty", r: strings.NewReader(""), size: 0},
		{name: "unknown size", r: strings.NewReader("hello"), size: -1},
		{name: "one byte at a time", r: iotest.OneByteReader(strings.NewReader("hello")), size: 5},
		{name: "data with EOF", r: iotest.DataErrReader(strings.NewReader("hello")), size: 5},
		{name: "short", r: strings.NewReader("hell"), size: 5, wantErr: io.ErrUnexpectedEOF, text: "after 4 of 5 bytes"},
		{name: "long", r: strings.NewReader("hello!"), size: 5, text: "longer than the declared 5 bytes"},
		{name: "long by a lot", r: strings.NewReader("hello"), size: 0, text: "longer than the declared 0 bytes"},
		{name: "reader error", r: io.MultiReader(strings.NewReader("he"), iotest.ErrReader(errBoom)), size: 5, wantErr: errBoom},
		{name: "cancelled", ctx: cancelled, r: strings.NewReader("hello"), size: 5, wantErr: context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got, err := io.ReadAll(storage.ExactReader(ctx, tc.r, tc.size))
			if tc.wantErr == nil && tc.text == "" {
				require.NoError(t, err)
				assert.Equal(t, "hello"[:len(got)], string(got))
				return
			}
			require.Error(t, err)
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
			}
			assert.ErrorContains(t, err, tc.text)
		})
	}
}
