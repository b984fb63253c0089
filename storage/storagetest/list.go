package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

func testList(t *testing.T, s storage.Store) {
	l, ok := s.(storage.Lister)
	if !ok {
		t.Skipf("%T does not implement storage.Lister", s)
	}
	require.Empty(t, listKeys(t, l, ""), "List of an empty store")

	sizes := map[string]int64{"a/1": 0, "a/2": 10, "ab/1": 20, "b/1": 30, "b/a/1": 40}
	before := time.Now()
	for key, size := range sizes {
		put(t, s, key, body{seed: uint64(size), size: size})
	}
	after := time.Now()

	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a/1", "a/2", "ab/1", "b/1", "b/a/1"}},
		{"a", []string{"a/1", "a/2", "ab/1"}},
		{"a/", []string{"a/1", "a/2"}},
		{"a/2", []string{"a/2"}},
		{"b/", []string{"b/1", "b/a/1"}},
		{"b/a", []string{"b/a/1"}},
		{"c", []string{}},
		{"a/3", []string{}},
	} {
		require.ElementsMatch(t, tc.want, listKeys(t, l, tc.prefix), "List(%q)", tc.prefix)
	}
	for obj, err := range l.List(context.Background(), "") {
		require.NoError(t, err)
		require.Equal(t, sizes[obj.Key], obj.Size, "listed size of %q", obj.Key)
		require.WithinRange(t, obj.Created, before.Add(-createdSlack), after.Add(createdSlack),
			"listed creation time of %q", obj.Key)
	}

	require.NoError(t, s.Delete(context.Background(), "a/2"))
	require.ElementsMatch(t, []string{"a/1", "ab/1"}, listKeys(t, l, "a"), "List after Delete")

	// Stopping early must not break the store.
	for range l.List(context.Background(), "") {
		break
	}
	put(t, s, "a/2", body{seed: 2, size: 10})
}

func testSweep(t *testing.T, s storage.Store) {
	ctx := context.Background()
	if _, ok := s.(storage.Lister); !ok {
		_, err := storage.Sweep(ctx, s, time.Now())
		require.ErrorIs(t, err, storage.ErrNoLister)
		return
	}
	old := []string{"t1/old-a", "t1/old-b", "t2/old"}
	fresh := []string{"t1/new", "t2/new"}
	for _, key := range old {
		put(t, s, key, body{seed: 1, size: 100})
	}
	last, err := s.Stat(ctx, old[len(old)-1])
	require.NoError(t, err)

	// Wait until the store's clock, which may count whole seconds, has
	// moved past the old artifacts, then store the new ones.
	var cutoff time.Time
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; ; i++ {
		require.True(t, time.Now().Before(deadline), "the store's creation times never advanced")
		time.Sleep(time.Duration(i) * 100 * time.Millisecond)
		put(t, s, fresh[0], body{seed: 2, size: 100})
		info, err := s.Stat(ctx, fresh[0])
		require.NoError(t, err)
		if info.Created.After(last.Created) {
			cutoff = info.Created
			break
		}
	}
	put(t, s, fresh[1], body{seed: 2, size: 100})

	removed, err := storage.Sweep(ctx, s, cutoff)
	require.NoError(t, err)
	require.Equal(t, len(old), removed, "artifacts removed by Sweep")
	for _, key := range old {
		requireMissing(t, s, key)
	}
	for _, key := range fresh {
		requireStored(t, s, key, body{seed: 2, size: 100})
	}
	requireKeys(t, s, fresh...)

	removed, err = storage.Sweep(ctx, s, cutoff)
	require.NoError(t, err)
	require.Zero(t, removed, "a second Sweep with the same cutoff")
}
