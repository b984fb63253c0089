package kvstore_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
)

// TestRequestCounts pins how many API requests each operation costs, the
// figure that matters under KV's 1,200 requests per 5 minutes.
func TestRequestCounts(t *testing.T) {
	ctx := context.Background()
	srv := kvtest.Start(t, nil)
	s := open(t, srv, kvstore.Config{PartSize: 1 << 20})
	small, large := randomBytes(1000), randomBytes(3<<20) // large: 3 parts
	for _, tc := range []struct {
		name string
		op   func() error
		want int64
	}{
		{"Put small, new key", func() error { return s.Put(ctx, "k/s", bytes.NewReader(small), -1, storage.Metadata{}) }, 2},
		{"Get small", func() error { _, err := readAll(t, s, "k/s"); return err }, 1},
		{"Stat", func() error { _, err := s.Stat(ctx, "k/s"); return err }, 1},
		{"Put 3 parts, new key", func() error { return s.Put(ctx, "k/l", bytes.NewReader(large), -1, storage.Metadata{}) }, 5},
		{"Get 3 parts", func() error { _, err := readAll(t, s, "k/l"); return err }, 5},
		{"Put 3 parts over 3 parts", func() error { return s.Put(ctx, "k/l", bytes.NewReader(large), -1, storage.Metadata{}) }, 6},
		{"Delete 3 parts", func() error { return s.Delete(ctx, "k/l") }, 3},
		{"Delete small", func() error { return s.Delete(ctx, "k/s") }, 2},
		{"Get miss", func() error { _, err := readAll(t, s, "k/s"); require.ErrorIs(t, err, storage.ErrNotFound); return nil }, 1},
	} {
		before := srv.Requests()
		require.NoError(t, tc.op(), tc.name)
		require.Equal(t, tc.want, srv.Requests()-before, tc.name)
	}
}
