package usage_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/usage"
)

// day1 is the clock of the tests: noon, UTC.
var day1 = time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// stores are the stores the records are checked over.
var stores = []struct {
	name string
	open func(t *testing.T) storage.Store
}{
	{"memstore", func(t *testing.T) storage.Store { return memstore.New(nil) }},
	{"fsstore", func(t *testing.T) storage.Store { return openFS(t, t.TempDir()) }},
	{"no lister", func(t *testing.T) storage.Store { return noLister{memstore.New(nil)} }},
	{"lister that cannot list", func(t *testing.T) storage.Store { return failingLister{noLister{memstore.New(nil)}} }},
}

// failingLister is a Lister whose store cannot list, as a tier over a store
// without a Lister.
type failingLister struct{ noLister }

func (failingLister) List(context.Context, string) iter.Seq2[storage.Object, error] {
	return func(yield func(storage.Object, error) bool) {
		yield(storage.Object{}, fmt.Errorf("list: %w", storage.ErrNoLister))
	}
}

func openFS(t *testing.T, dir string) *fsstore.Store {
	t.Helper()
	s, err := fsstore.Open(dir, nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// noLister hides the List of a store, as a store without one.
type noLister struct{ s storage.Store }

func (n noLister) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	return n.s.Get(ctx, key)
}
func (n noLister) Stat(ctx context.Context, key string) (storage.Info, error) {
	return n.s.Stat(ctx, key)
}
func (n noLister) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	return n.s.Put(ctx, key, r, size, md)
}
func (n noLister) Delete(ctx context.Context, key string) error { return n.s.Delete(ctx, key) }

// traffic is some work of one team through a recorder's store: uploads,
// hits and misses.
type traffic struct {
	team          string
	uploads, hits int // hits <= uploads
	misses        int
	nx            bool
	size          int
}

// run makes the traffic through cache (a recorder's Store) and returns the
// hashes uploaded.
func (tr traffic) run(t *testing.T, cache storage.Store) {
	t.Helper()
	ctx := context.Background()
	key := func(i int, miss bool) string {
		prefix := tr.team + "/"
		if tr.nx {
			prefix += "nx/"
			if miss {
				return prefix + "9" + string(rune('0'+i%10)) + "0"
			}
			return prefix + string(rune('1'+i%9)) + "00"
		}
		if miss {
			return prefix + "ffff" + string(rune('a'+i%6))
		}
		return prefix + "abc" + string(rune('0'+i%10))
	}
	body := bytes.Repeat([]byte("x"), tr.size)
	for i := range tr.uploads {
		require.NoError(t, cache.Put(ctx, key(i, false), bytes.NewReader(body), int64(len(body)), storage.Metadata{Duration: time.Second}))
	}
	for i := range tr.hits {
		rc, _, err := cache.Get(ctx, key(i, false))
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
	}
	for i := range tr.misses {
		_, _, err := cache.Get(ctx, key(i, true))
		require.ErrorIs(t, err, storage.ErrNotFound)
	}
}

// hits returns n REMOTE HIT events of ms milliseconds each.
func hits(n int, ms int64) []httpapi.Event {
	var ev []httpapi.Event
	for range n {
		ev = append(ev, httpapi.Event{SessionID: "s", Source: "REMOTE", Event: "HIT", Hash: "abc", Duration: ms})
	}
	return ev
}

// team finds a team in a report.
func team(t *testing.T, rep *usage.Report, name string) usage.TeamReport {
	t.Helper()
	for _, tr := range rep.Teams {
		if tr.Team == name {
			return tr
		}
	}
	require.Failf(t, "team not in the report", "%s", name)
	return usage.TeamReport{}
}
