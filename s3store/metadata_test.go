package s3store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
)

func TestMetadata(t *testing.T) {
	srv := servers.Get(t, s3test.Options{})
	s := openStore(t, srv, s3store.Config{})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		md   storage.Metadata
	}{
		{"Empty", storage.Metadata{}},
		{"Typical", storage.Metadata{Duration: 1234 * time.Millisecond, Tag: strings.Repeat("QUJD", 150), SHA: "0123456789abcdef0123456789abcdef01234567", DirtyHash: "e3b0c442"}},
		{"SubMillisecond", storage.Metadata{Duration: 1500 * time.Microsecond}},
		{"NonASCII", storage.Metadata{Tag: "t\u00e9g \u2603", SHA: "\u00fc", DirtyHash: "\u65e5\u672c"}},
		{"LooksEncoded", storage.Metadata{Tag: "=?utf-8?b?eA==?=", SHA: " leading and trailing spaces "}},
		{"ControlBytes", storage.Metadata{Tag: "a\tb\nc", DirtyHash: "\x00\xff"}},
		{"LongNonASCII", storage.Metadata{Tag: strings.Repeat("\u00e9", 250)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "team/" + tc.name
			require.NoError(t, s.Put(ctx, key, bytes.NewReader([]byte("x")), 1, tc.md))
			info, err := s.Stat(ctx, key)
			require.NoError(t, err)
			require.Equal(t, tc.md, info.Metadata, "Stat")
			rc, info, err := s.Get(ctx, key)
			require.NoError(t, err)
			rc.Close()
			require.Equal(t, tc.md, info.Metadata, "Get")
		})
	}
	t.Run("TooLarge", func(t *testing.T) {
		md := storage.Metadata{Tag: strings.Repeat("x", 2100)}
		err := s.Put(ctx, "team/too-large", bytes.NewReader([]byte("x")), 1, md)
		require.ErrorIs(t, err, storage.ErrTooLarge)
		_, err = s.Stat(ctx, "team/too-large")
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}
