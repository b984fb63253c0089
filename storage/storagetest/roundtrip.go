package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

// createdSlack allows for stores whose clocks are coarse (S3 reports whole
// seconds) or live on another host.
const createdSlack = 2 * time.Second

func testMiss(t *testing.T, s storage.Store) {
	requireMissing(t, s, "team/0123456789abcdef")
	put(t, s, "team/present", body{seed: 1, size: 10})
	requireMissing(t, s, "team/0123456789abcdef")
	requireMissing(t, s, "other/present")
}

func testRoundTrip(t *testing.T, s storage.Store) {
	for _, tc := range []struct {
		name string
		size int64
	}{
		{"0B", 0},
		{"1B", 1},
		{"1MiB", 1 << 20},
		{"64MiB", 64 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "team/roundtrip-" + tc.name
			b := body{seed: uint64(tc.size % 1000), size: tc.size}
			before := time.Now()
			put(t, s, key, b)
			after := time.Now()
			requireStored(t, s, key, b)

			info, err := s.Stat(context.Background(), key)
			require.NoError(t, err)
			require.WithinRange(t, info.Created, before.Add(-createdSlack), after.Add(createdSlack),
				"Info.Created of an artifact stored just now")
		})
	}
}

func testUnknownSize(t *testing.T, s storage.Store) {
	for _, size := range []int64{0, 1, 3<<20 + 5} {
		key := "team/unknown-size"
		b := body{seed: uint64(size % 7), size: size}
		require.NoError(t, s.Put(context.Background(), key, b.reader(), -1, b.metadata()),
			"Put with size -1 of %d bytes", size)
		requireStored(t, s, key, b)
	}
}

func testOverwrite(t *testing.T, s storage.Store) {
	key := "team/overwrite"
	first, second := body{seed: 1, size: 2 << 20}, body{seed: 2, size: 1000}
	put(t, s, key, first)
	put(t, s, key, second)
	requireStored(t, s, key, second)
	put(t, s, key, first)
	requireStored(t, s, key, first)
	requireKeys(t, s, key)
}

func testDelete(t *testing.T, s storage.Store) {
	ctx := context.Background()
	put(t, s, "team/a", body{seed: 1, size: 100})
	put(t, s, "team/b", body{seed: 2, size: 100})

	require.NoError(t, s.Delete(ctx, "team/a"), "Delete of a present key")
	requireMissing(t, s, "team/a")
	requireStored(t, s, "team/b", body{seed: 2, size: 100})
	requireKeys(t, s, "team/b")

	require.NoError(t, s.Delete(ctx, "team/a"), "Delete of a deleted key")
	require.NoError(t, s.Delete(ctx, "team/never-stored"), "Delete of a missing key")
	require.NoError(t, s.Delete(ctx, "nobody/never-stored"), "Delete of a key in an unused namespace")

	put(t, s, "team/a", body{seed: 3, size: 100})
	requireStored(t, s, "team/a", body{seed: 3, size: 100})
}
