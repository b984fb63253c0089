package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

// testCreate checks [storage.Creator] for stores that implement it: a
// Create never replaces an artifact, of concurrent Creates of one key
// exactly one succeeds, and a failed Create leaves nothing behind.
func testCreate(t *testing.T, s storage.Store) {
	c, ok := s.(storage.Creator)
	if !ok {
		t.Skipf("%T does not implement storage.Creator", s)
	}
	ctx := context.Background()
	create := func(key string, b body, size int64) error {
		return c.Create(ctx, key, b.reader(), size, b.metadata())
	}

	t.Run("SecondCreateFails", func(t *testing.T) {
		first, second := body{seed: 21, size: 300 << 10}, body{seed: 22, size: 200 << 10}
		require.NoError(t, create("team/once", first, first.size), "first Create")
		err := create("team/once", second, second.size)
		require.ErrorIs(t, err, storage.ErrExists, "second Create of one key")
		requireStored(t, s, "team/once", first)

		err = create("team/once", second, -1)
		require.ErrorIs(t, err, storage.ErrExists, "second Create of unknown size")
		requireStored(t, s, "team/once", first)
	})

	t.Run("OverPut", func(t *testing.T) {
		old, b := body{seed: 23, size: 1000}, body{seed: 24, size: 2000}
		put(t, s, "team/put-first", old)
		require.ErrorIs(t, create("team/put-first", b, b.size), storage.ErrExists, "Create over a Put")
		requireStored(t, s, "team/put-first", old)
	})

	t.Run("UnknownSize", func(t *testing.T) {
		b := body{seed: 25, size: 3<<20 + 7}
		require.NoError(t, create("team/unknown-size", b, -1))
		requireStored(t, s, "team/unknown-size", b)
	})

	t.Run("Concurrent", func(t *testing.T) {
		const (
			creators = 8
			key      = "team/contended-create"
		)
		bodies := make(map[string]body) // by Metadata.SHA
		errs := make([]error, creators)
		var wg sync.WaitGroup
		for i := range creators {
			b := body{seed: uint64(200 + i), size: int64(512<<10 + i*1021)}
			bodies[b.metadata().SHA] = b
			wg.Go(func() { errs[i] = create(key, b, b.size) })
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, storage.ErrExists):
				t.Errorf("concurrent Create %d failed with an error that is not ErrExists: %v", i, err)
			}
		}
		require.Equal(t, 1, won, "concurrent Creates that succeeded; errors: %v", errs)
		info, err := s.Stat(ctx, key)
		require.NoError(t, err)
		winner, ok := bodies[info.SHA]
		require.True(t, ok, "the stored metadata is of no body that was created: %+v", info.Metadata)
		requireStored(t, s, key, winner)
	})

	t.Run("Failed", func(t *testing.T) {
		const size = 4 << 20
		b := body{seed: 26, size: size}
		cases := []struct {
			name   string
			create func(key string) error
		}{
			{"ReaderFailsMidway", func(key string) error {
				r := &failingReader{r: b.reader(), n: size / 2, err: errReader}
				return c.Create(ctx, key, r, size, b.metadata())
			}},
			{"ShorterThanSize", func(key string) error {
				return c.Create(ctx, key, b.reader(), size+1, b.metadata())
			}},
			{"LongerThanSize", func(key string) error {
				return c.Create(ctx, key, b.reader(), size-1, b.metadata())
			}},
			{"ContextCancelledMidway", func(key string) error {
				ctx, cancel := context.WithCancel(ctx)
				defer cancel()
				r := &cancellingReader{r: b.reader(), n: size / 2, cancel: cancel}
				return c.Create(ctx, key, r, size, b.metadata())
			}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				key := "failed-create/" + tc.name
				err := tc.create(key)
				require.Error(t, err, "Create that must fail")
				assert.NotErrorIs(t, err, storage.ErrExists, "a failed Create of a new key")
				requireMissing(t, s, key)
				// Nothing the failure left behind may block the next Create.
				require.NoError(t, create(key, b, size), "Create after a failed one")
				requireStored(t, s, key, b)
			})
		}
	})

	t.Run("InvalidKey", func(t *testing.T) {
		b := body{seed: 27, size: 10}
		err := create("../escape", b, b.size)
		require.ErrorIs(t, err, storage.ErrInvalidKey)
	})
}
