// Package usage records what a remote cache does for each team, per day
// (UTC), and serves a page that shows it: hits, misses, the time hits saved,
// bytes uploaded and downloaded, uploads, and what the store holds.
//
// A [Recorder] learns of the cache's work from two sides: [Recorder.Store]
// wraps the Store the protocol handlers use (every Get is a lookup, every
// Put or Create an upload), and [Recorder.Events] is httpapi's OnEvents
// hook, fed with the cache events turbo reports after each run. Nx's
// requests are counted by the same wrapper, from their keys
// (<team>/nx/<hash>), under the protocol "nx"; turbo's (<team>/<hash>)
// under "turbo".
//
// # Hits and misses are counted once
//
// Each remote lookup turbo makes is seen twice: the server serves a Get,
// and turbo reports a REMOTE HIT or MISS event for it afterwards. Both are
// kept, apart (Counts.Hits and Counts.Misses for the lookups served,
// Counts.ReportedHits and Counts.ReportedMisses for the events), and
// summed over replicas first. What is shown as a team's hits of a day, per
// protocol, is the larger of the two, and likewise for misses: when both sides saw the same
// lookups they agree; when turbo sends no events (a client that does not
// report, or Nx, which never does) the lookups served count; when the
// server did not see a lookup that turbo did report (a cache in front of
// it served the hit) the events count. Time saved is the sum of the
// durations of REMOTE HIT events only: it is turbo's own measure.
//
// # Records in the store
//
// Counts are added up in memory and written to the store itself by
// [Recorder.Flush], which [Recorder.Run] calls periodically (every minute
// by default) and which must be called once more at shutdown: a cache
// request never costs a store request. Each replica writes one record per
// day, holding every team's counts for that day, under
//
//	_turbocache/usage/<yyyy-mm-dd>/<replica>
//
// No artifact key can take that name: turbo's keys are <team>/<hex hash>
// and Nx's <team>/nx/<decimal hash>, and "usage" is neither a hex hash nor
// "nx". (A team named _turbocache keeps its artifacts beside the records,
// under other names.) On a directory store the records are files in
// directories no artifact file can be named like.
//
// The record holds the replica's totals for the day, not a delta: before
// its first write of a day a replica reads its own record back and adds it
// in, so a restart (with the same replica name) continues where it left
// off. Replicas with distinct names that share one store each write their
// own records; [Recorder.Read] sums them, so every replica shows the same
// totals. Reading lists the records of the last days when the store is a
// [storage.Lister]; otherwise (or when its List fails with
// storage.ErrNoLister, as a tier's over a store that cannot list, which the
// first flush finds out) each replica adds its name to an index record,
// _turbocache/usage/replicas, read back at each flush and rewritten
// until a read shows the name (two replicas writing it at once lose one
// name until the next flush), and reading fetches each listed replica's
// record of each day. Records of the days before yesterday, once read, are
// kept parsed while the store lists them with the same size and time.
//
// Records age like artifacts: an expiry sweep, a bucket's lifecycle rule or
// a bounded directory's eviction may remove the records of past days.
//
// # The page
//
// [Dashboard] serves the page (HTML rendered on the server, charts as
// inline SVG, no script and no external asset) and the same data as JSON.
// It is off without a token, and shows a team-scoped token only its teams.
package usage
