package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

func TestSweep(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := memstore.New(&memstore.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	putAt := func(key string, at time.Time) {
		now = at
		require.NoError(t, s.Put(ctx, key, strings.NewReader("x"), 1, storage.Metadata{}))
	}
	cutoff := now.Add(720 * time.Hour)
	putAt("a/old", cutoff.Add(-time.Hour))
	putAt("b/old", cutoff.Add(-time.Nanosecond))
	putAt("a/at-cutoff", cutoff)
	putAt("a/new", cutoff.Add(time.Hour))

	removed, err := storage.Sweep(ctx, s, cutoff)
	require.NoError(t, err)
	assert.Equal(t, 2, removed)
	for _, key := range []string{"a/old", "b/old"} {
		_, err := s.Stat(ctx, key)
		assert.ErrorIs(t, err, storage.ErrNotFound, key)
	}
	for _, key := range []string{"a/at-cutoff", "a/new"} {
		_, err := s.Stat(ctx, key)
		assert.NoError(t, err, key)
	}
}

// storeOnly hides every method but the Store interface's.
type storeOnly struct{ storage.Store }

func TestSweepNeedsLister(t *testing.T) {
	_, err := storage.Sweep(context.Background(), storeOnly{memstore.New(nil)}, time.Now())
	assert.ErrorIs(t, err, storage.ErrNoLister)
}

func TestSweepStopsWithContext(t *testing.T) {
	s := memstore.New(nil)
	ctx, cancel := context.WithCancel(context.Background())
	for _, key := range []string{"a/1", "a/2", "a/3"} {
		require.NoError(t, s.Put(ctx, key, strings.NewReader(""), 0, storage.Metadata{}))
	}
	cancel()
	removed, err := storage.Sweep(ctx, s, time.Now().Add(time.Hour))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, removed)
}
