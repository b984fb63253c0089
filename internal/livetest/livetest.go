// Package livetest holds what the tests against real cloud services
// (Amazon S3, Cloudflare R2 and Workers KV) share: the conformance suite run
// under a fresh prefix per store, and the clean-up that leaves the bucket or
// namespace as it was.
package livetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// RunPrefixed runs the conformance suite with stores that open calls for
// a prefix of their own (turbocache-live-test/<time of the run>/<n>), so
// that runs and stores never see each other's artifacts, and deletes what
// each store holds when its test ends.
func RunPrefixed(t *testing.T, open func(ctx context.Context, prefix string) (storage.Store, error)) {
	run := time.Now().UTC().Format("20060102T150405.000000000")
	n := 0
	storagetest.Run(t, func(t *testing.T) storage.Store {
		n++
		s, err := open(context.Background(), fmt.Sprintf("turbocache-live-test/%s/%d", run, n))
		require.NoError(t, err)
		t.Cleanup(func() { DeleteAll(t, s) })
		return s
	})
}

// DeleteAll deletes every artifact s lists, reporting each failure as a
// test error.
func DeleteAll(t testing.TB, s storage.Store) {
	t.Helper()
	ctx := context.Background()
	for obj, err := range s.(storage.Lister).List(ctx, "") {
		if err != nil {
			t.Errorf("clean up: %v", err)
			return
		}
		if err := s.Delete(ctx, obj.Key); err != nil {
			t.Errorf("clean up %s: %v", obj.Key, err)
		}
	}
}
