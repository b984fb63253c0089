package kvstore_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
)

// TestValueOfWrongLength rewrites a stored value behind the store's back,
// a byte shorter or longer than its manifest says, and checks that reading
// the artifact fails rather than passes a truncated or extended artifact
// off as the stored one.
func TestValueOfWrongLength(t *testing.T) {
	const partSize = 1 << 20
	tests := []struct {
		name    string
		size    int
		part    bool // rewrite the artifact's first part, not its own value
		edit    func([]byte) []byte
		wantErr error  // in the chain, if not nil
		text    string // in the message
	}{
		{"value a byte short", 1000, false, func(b []byte) []byte { return b[:len(b)-1] }, io.ErrUnexpectedEOF, "ended after 999 of 1000 bytes"},
		{"value a byte long", 1000, false, func(b []byte) []byte { return append(b, 'x') }, nil, "longer than the declared 1000 bytes"},
		{"part a byte short", 2*partSize + 5, true, func(b []byte) []byte { return b[:len(b)-1] }, io.ErrUnexpectedEOF, "part 0"},
		{"part a byte long", 2*partSize + 5, true, func(b []byte) []byte { return append(b, 'x') }, nil, "part 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := kvtest.Start(t, nil)
			s := open(t, srv, kvstore.Config{PartSize: partSize})
			ctx := context.Background()
			data := bytes.Repeat([]byte("0123456789"), tt.size/10+1)[:tt.size]
			require.NoError(t, s.Put(ctx, "team/k", bytes.NewReader(data), int64(len(data)), storage.Metadata{}))

			key := "team/k"
			if tt.part {
				parts := slices.DeleteFunc(srv.Keys(), func(k string) bool { return !strings.HasPrefix(k, "~part/") })
				slices.Sort(parts)
				require.NotEmpty(t, parts)
				key = parts[0]
			}
			api := rawAPI{base: srv.URL + "/accounts/" + srv.AccountID + "/storage/kv/namespaces/" + srv.NamespaceID, token: srv.Token}
			path := "/values/" + url.PathEscape(key)
			got := api.do(t, http.MethodGet, path, nil, "")
			require.Equal(t, http.StatusOK, got.status)
			require.Equal(t, http.StatusOK, api.do(t, http.MethodPut, path, tt.edit(got.body), "").status)

			rc, _, err := s.Get(ctx, "team/k")
			require.NoError(t, err)
			defer rc.Close()
			_, err = io.Copy(io.Discard, rc)
			require.Error(t, err, "an artifact of the wrong length was read whole")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			}
			require.ErrorContains(t, err, tt.text)
			require.ErrorContains(t, err, `kvstore: read "team/k"`)
		})
	}
}
