package storagetest

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/storage"
)

// RunPersistence checks that what a store holds outlives it: that a store
// opened again on the same backing storage (directory, bucket, namespace),
// as a restarted server opens it, serves the artifacts and metadata the
// first one stored, and not those it deleted or replaced. [Run] cannot see
// this: it only ever makes fresh stores.
//
// newStorage is called once per subtest. It prepares a fresh, empty backing
// storage and returns open, which opens a Store on that storage each time
// it is called. Before each reopening, the suite closes the store it used,
// when that store is an io.Closer, so that a store which keeps state in
// memory until Close (an index, a queue) gets to write it, and one that
// locks its storage releases it.
func RunPersistence(t *testing.T, newStorage func(t *testing.T) (open func(t *testing.T) storage.Store)) {
	t.Helper()
	for _, tc := range []struct {
		name string
		test func(t *testing.T, open func(t *testing.T) storage.Store)
	}{
		{"ArtifactsSurvive", testArtifactsSurvive},
		{"ChangesSurvive", testChangesSurvive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.test(t, newStorage(t))
		})
	}
}

// reopen closes s, when it can be closed, and opens the storage again.
func reopen(t *testing.T, s storage.Store, open func(t *testing.T) storage.Store) storage.Store {
	t.Helper()
	if c, ok := s.(io.Closer); ok {
		require.NoError(t, c.Close(), "Close before reopening")
	}
	return open(t)
}

func testArtifactsSurvive(t *testing.T, open func(t *testing.T) storage.Store) {
	s := open(t)
	artifacts := map[string]body{
		"team/empty":     {seed: 1, size: 0},
		"team/one-byte":  {seed: 2, size: 1},
		"team/one-mib":   {seed: 3, size: 1 << 20},
		"team/multipart": {seed: 4, size: 9<<20 + 3}, // more than one part in S3 and KV
		"other/one-mib":  {seed: 5, size: 1 << 20},
	}
	before := time.Now()
	for key, b := range artifacts {
		put(t, s, key, b)
	}
	// An artifact of unknown size takes another path in several stores.
	unknown := body{seed: 6, size: 3<<20 + 5}
	require.NoError(t, s.Put(context.Background(), "team/unknown-size", unknown.reader(), -1, unknown.metadata()))
	artifacts["team/unknown-size"] = unknown
	after := time.Now()

	keys := make([]string, 0, len(artifacts))
	for key := range artifacts {
		keys = append(keys, key)
	}
	for round := 1; round <= 2; round++ { // the second reopening reads what the first wrote, if anything
		s = reopen(t, s, open)
		for key, b := range artifacts {
			requireStored(t, s, key, b)
			info, err := s.Stat(context.Background(), key)
			require.NoError(t, err)
			require.WithinRange(t, info.Created, before.Add(-createdSlack), after.Add(createdSlack),
				"reopening %d: Info.Created of %s", round, key)
		}
		requireKeys(t, s, keys...)
	}
}

func testChangesSurvive(t *testing.T, open func(t *testing.T) storage.Store) {
	s := open(t)
	put(t, s, "team/replaced", body{seed: 10, size: 1000})
	put(t, s, "team/replaced", body{seed: 11, size: 2000})
	put(t, s, "team/deleted", body{seed: 12, size: 10})
	require.NoError(t, s.Delete(context.Background(), "team/deleted"))
	put(t, s, "team/kept", body{seed: 13, size: 10})

	s = reopen(t, s, open)
	requireStored(t, s, "team/replaced", body{seed: 11, size: 2000})
	requireStored(t, s, "team/kept", body{seed: 13, size: 10})
	requireMissing(t, s, "team/deleted")
	requireKeys(t, s, "team/replaced", "team/kept")

	// And what the reopened store changes survives it in turn.
	require.NoError(t, s.Delete(context.Background(), "team/kept"))
	put(t, s, "team/added", body{seed: 14, size: 10})
	s = reopen(t, s, open)
	requireMissing(t, s, "team/kept")
	requireStored(t, s, "team/added", body{seed: 14, size: 10})
	requireKeys(t, s, "team/replaced", "team/added")
}
