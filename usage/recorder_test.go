package usage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/usage"
)

// TestAggregation counts lookups, bytes and uploads through the store
// wrapper and REMOTE events through the hook, per team and protocol, and
// reads them back from the store.
func TestAggregation(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.open(t)
			clk := &clock{day1}
			rec := usage.New(s, &usage.Options{Replica: "a", Now: clk.now})
			cache := rec.Store(s)
			traffic{team: "web", uploads: 3, hits: 2, misses: 4, size: 100}.run(t, cache)
			traffic{team: "web", uploads: 1, hits: 1, misses: 1, nx: true, size: 10}.run(t, cache)
			traffic{team: "docs", uploads: 1, hits: 1, size: 7}.run(t, cache)
			rec.Events(ctx, "WEB", append(hits(2, 1500), httpapi.Event{Source: "LOCAL", Event: "HIT", Hash: "ab", Duration: 99},
				httpapi.Event{Source: "REMOTE", Event: "MISS", Hash: "ab"}))

			rep, err := rec.Read(ctx, 0)
			require.NoError(t, err)
			require.Len(t, rep.Days, usage.DefaultDays)
			assert.Equal(t, "2026-11-03", rep.Days[len(rep.Days)-1], "today last")
			require.Len(t, rep.Teams, 2)
			web := team(t, rep, "web")
			assert.Equal(t, usage.Counts{Hits: 2, Misses: 4, ReportedHits: 2, ReportedMisses: 1, SavedMillis: 3000,
				Uploads: 3, UploadedBytes: 300, DownloadedBytes: 200}, web.Protocols.Turbo)
			assert.Equal(t, usage.Counts{Hits: 1, Misses: 1, Uploads: 1, UploadedBytes: 10, DownloadedBytes: 10}, web.Protocols.Nx)
			assert.Equal(t, usage.Summary{Hits: 3, Misses: 5, SavedMillis: 3000, Uploads: 4, UploadedBytes: 310,
				DownloadedBytes: 210, NxHits: 1}, web.Total)
			assert.Equal(t, web.Total, web.Days[len(web.Days)-1], "all of it today")
			assert.Equal(t, int64(1), team(t, rep, "docs").Total.Hits)
			assert.Equal(t, int64(4), rep.Total.Hits)
			assert.Equal(t, 1, rep.Replicas)

			// Reading again (from the cached records) gives the same.
			again, err := rec.Read(ctx, 0)
			require.NoError(t, err)
			assert.Equal(t, rep, again)
		})
	}
}

// TestCountedOnce checks the rule for hits seen both as lookups and as
// events: the larger of the two sums, per team and day.
func TestCountedOnce(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		served, reported      int
		wantHits, wantSavedMs int64
	}{
		{"both sides saw them", 3, 3, 3, 300},
		{"no events", 3, 0, 3, 0},
		{"served elsewhere", 1, 4, 4, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := memstore.New(nil)
			rec := usage.New(s, &usage.Options{Replica: "a", Now: (&clock{day1}).now})
			traffic{team: "web", uploads: tc.served, hits: tc.served}.run(t, rec.Store(s))
			rec.Events(context.Background(), "web", hits(tc.reported, 100))
			rep, err := rec.Read(context.Background(), 1)
			require.NoError(t, err)
			assert.Equal(t, tc.wantHits, rep.Total.Hits)
			assert.Equal(t, tc.wantSavedMs, rep.Total.SavedMillis)
		})
	}
}

// TestFlushWritesNoRecordPerRequest checks that requests touch the store
// only for themselves, and a flush writes one record per day.
func TestFlushWritesNoRecordPerRequest(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(nil)
	rec := usage.New(s, &usage.Options{Replica: "a", Now: (&clock{day1}).now})
	traffic{team: "web", uploads: 5, hits: 5, misses: 5}.run(t, rec.Store(s))
	rec.Events(ctx, "web", hits(5, 10))
	assert.Equal(t, 5, count(t, s, ""), "only the artifacts before a flush")
	require.NoError(t, rec.Flush(ctx))
	assert.Equal(t, 1, count(t, s, "_turbocache/usage/"), "one record")
	require.NoError(t, rec.Flush(ctx), "nothing new: no write")
}

func count(t *testing.T, s *memstore.Store, prefix string) int {
	n := 0
	for _, err := range s.List(context.Background(), prefix) {
		require.NoError(t, err)
		n++
	}
	return n
}

// TestRestart keeps the totals of a replica that restarts over the same
// directory: the new process adds to its old record.
func TestRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clk := &clock{day1}
	first := openFS(t, dir)
	rec := usage.New(first, &usage.Options{Replica: "a", Now: clk.now})
	traffic{team: "web", uploads: 2, hits: 2, misses: 2}.run(t, rec.Store(first))
	rec.Events(ctx, "web", hits(2, 250))
	require.NoError(t, rec.Flush(ctx), "the flush at shutdown")
	before, err := rec.Read(ctx, 0)
	require.NoError(t, err)
	require.NoError(t, first.Close())

	second := openFS(t, dir)
	rec = usage.New(second, &usage.Options{Replica: "a", Now: clk.now})
	after, err := rec.Read(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, before.Teams, after.Teams, "same totals after the restart")

	traffic{team: "web", hits: 1}.run(t, rec.Store(second))
	rec.Events(ctx, "web", hits(1, 250))
	require.NoError(t, rec.Flush(ctx))
	third := usage.New(second, &usage.Options{Replica: "a", Now: clk.now})
	rep, err := third.Read(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, usage.Summary{Hits: 3, Misses: 2, SavedMillis: 750, Uploads: 2, UploadedBytes: 0}, team(t, rep, "web").Total,
		"the old totals and the new counts")
}

// TestReplicas sums the records of two replicas sharing one store: each
// shows the sum of both.
func TestReplicas(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			checkReplicasOver(t, s, s)
		})
	}
}

// checkReplicasOver runs replica a over sa and b over sb, two clients of
// one store.
func checkReplicasOver(t *testing.T, sa, sb storage.Store) {
	ctx := context.Background()
	clk := &clock{day1}
	a := usage.New(sa, &usage.Options{Replica: "a", Now: clk.now})
	b := usage.New(sb, &usage.Options{Replica: "b", Now: clk.now})
	traffic{team: "web", uploads: 2, hits: 2, misses: 1, size: 5}.run(t, a.Store(sa))
	a.Events(ctx, "web", hits(2, 1000))
	traffic{team: "web", hits: 1, misses: 3}.run(t, b.Store(sb))
	b.Events(ctx, "web", hits(1, 1000))
	traffic{team: "docs", uploads: 1, hits: 1}.run(t, b.Store(sb))
	require.NoError(t, a.Flush(ctx))
	require.NoError(t, b.Flush(ctx))
	want := usage.Summary{Hits: 4, Misses: 4, SavedMillis: 3000, Uploads: 3, UploadedBytes: 10, DownloadedBytes: 15}
	for name, rec := range map[string]*usage.Recorder{"a": a, "b": b} {
		rep, err := rec.Read(ctx, 0)
		require.NoError(t, err)
		assert.Equal(t, 2, rep.Replicas, name)
		assert.Equal(t, want, rep.Total, name)
		assert.Equal(t, int64(3), team(t, rep, "web").Total.Hits, name)
	}
}

// TestDays keeps each UTC day apart and shows the last days only.
func TestDays(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(nil)
	clk := &clock{day1}
	rec := usage.New(s, &usage.Options{Replica: "a", Now: clk.now})
	cache := rec.Store(s)
	traffic{team: "web", uploads: 1, hits: 1}.run(t, cache)
	clk.t = clk.t.AddDate(0, 0, 1)
	traffic{team: "web", hits: 1}.run(t, cache)
	rec.Events(ctx, "web", hits(1, 5))
	rep, err := rec.Read(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"2026-11-02", "2026-11-03", "2026-11-04"}, rep.Days)
	web := team(t, rep, "web")
	assert.Equal(t, []int64{0, 1, 1}, []int64{web.Days[0].Hits, web.Days[1].Hits, web.Days[2].Hits})

	clk.t = clk.t.AddDate(0, 0, 30)
	rep, err = rec.Read(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Teams, "older than 30 days")
}

// TestMaxTeams bounds the teams counted in memory.
func TestMaxTeams(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(nil)
	rec := usage.New(s, &usage.Options{Replica: "a", MaxTeams: 2, Now: (&clock{day1}).now})
	for _, team := range []string{"a", "b", "c", "a"} {
		rec.Events(ctx, team, hits(1, 1))
	}
	rep, err := rec.Read(ctx, 1)
	require.NoError(t, err)
	require.Len(t, rep.Teams, 2)
	assert.Equal(t, int64(2), rep.Teams[0].Total.Hits, "a kept counting")
}

// TestNotCounted leaves alone keys of neither protocol.
func TestNotCounted(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(nil)
	rec := usage.New(s, &usage.Options{Replica: "a", Now: (&clock{day1}).now})
	cache := rec.Store(s)
	for _, key := range []string{"web/a/b", "web/nx/1/2", "web/nx/"[:6] + "x/1", "lonely"} {
		_, _, err := cache.Get(ctx, key)
		require.Error(t, err)
	}
	rep, err := rec.Read(ctx, 1)
	require.NoError(t, err)
	assert.Empty(t, rep.Teams)
}

// TestKeysApart stores, on a directory, the artifacts of a team named like
// the records' first segment beside the records: neither takes the other's
// name, as a file or as a directory.
func TestKeysApart(t *testing.T) {
	ctx := context.Background()
	s := openFS(t, t.TempDir())
	rec := usage.New(s, &usage.Options{Replica: "a", Now: (&clock{day1}).now})
	cache := rec.Store(s)
	rec.Events(ctx, "_turbocache", hits(1, 10))
	require.NoError(t, rec.Flush(ctx), "records first")
	for _, key := range []string{"_turbocache/0123abcd", "_turbocache/nx/12345", "_turbocache/abc"} {
		require.NoError(t, cache.Put(ctx, key, strings.NewReader("x"), 1, storage.Metadata{}), key)
	}
	rec.Events(ctx, "_turbocache", hits(1, 10))
	require.NoError(t, rec.Flush(ctx), "records after")
	rep, err := rec.Read(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, usage.Summary{Hits: 2, SavedMillis: 20, Uploads: 3, UploadedBytes: 3}, team(t, rep, "_turbocache").Total)
	for _, key := range []string{"_turbocache/0123abcd", "_turbocache/nx/12345"} {
		_, err := s.Stat(ctx, key)
		require.NoError(t, err, key)
	}
}
