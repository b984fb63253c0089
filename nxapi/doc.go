// Package nxapi serves Nx's self-hosted remote cache protocol (the /v1/cache
// API that the nx CLI speaks when NX_SELF_HOSTED_REMOTE_CACHE_SERVER is set)
// in front of any [storage.Store], beside or instead of httpapi's Turborepo
// protocol.
//
// [New] returns an [http.Handler] that expects the protocol's path at its
// root: GET and PUT /v1/cache/{hash}. To serve it below a prefix, strip the
// prefix first and give nx the prefix as its server URL, without a trailing
// slash (nx appends "/v1/cache/..." verbatim):
//
//	mux.Handle("/nx/", http.StripPrefix("/nx", h)) // NX_SELF_HOSTED_REMOTE_CACHE_SERVER=https://host/nx
//
// # Records
//
// A record is written once and never replaced: a PUT of a hash already
// stored is answered 409, which nx takes as "not stored" and ignores. Stores
// that implement [storage.Creator] (memstore, fsstore, s3store, r2store)
// make the check and the write one atomic step, so of two concurrent first
// PUTs of one hash one gets 200, the other 409, and the stored bytes are one
// of the two bodies whole, whatever the number of servers in front of the
// store. Other stores (kvstore: Workers KV has no conditional write) get a
// Stat then a Put under a lock per key held in this process: that is
// atomic among the requests one Handler serves, not across servers sharing
// the store, where two first PUTs racing can both be answered 200 and the
// later one's bytes win. Both bodies are then records of the same task hash,
// and each is whole.
//
// # Teams and keys
//
// Nx sends no team, only a bearer token (NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).
// Each request's team is [Options.TeamOf] of the request when that is set
// and not empty (httpapi.TokenAuth.TeamOf gives the one team of a token
// limited to exactly one), else [Options.Team] ([DefaultTeam] when empty).
// The Authenticator is then asked, as httpapi asks it, whether the request
// may read (GET) or write (PUT) that team's records: read-only and
// team-scoped tokens behave as they do for turbo.
//
// A record is stored under the key "<team>/nx/<hash>". No Turborepo request
// can name that key, or collide with it on a store that keeps keys as file
// paths: httpapi's keys are "<team>/<hash>" with a hexadecimal hash, and
// "nx" is not hexadecimal, so "<team>/nx" is never a turbo artifact and
// "<team>/nx/<hash>", of three segments, never a turbo key.
//
// # Answers
//
// Nx reads status codes only. Success of a PUT is exactly 200 (nx retries
// anything else but 403 and 409); a GET answers 200 with the bytes or 404.
// Error answers are short text/plain messages: nx prints the body of a 401
// only when the Content-Type is exactly "text/plain", with no charset.
// Hashes are nx's decimal 64-bit task hashes; any other is refused with 400
// before the store is touched, as are uploads over [Options.MaxArtifactSize]
// (413, before their body is read). An upload that ends before its
// Content-Length stores nothing.
//
// # Store failures
//
// Turbo treats a failed download as a warning, but nx ends the whole run on
// any GET answer other than 200 and 404, and marks a task failed when its
// upload is refused with anything but 200, 403 or 409 after six tries. A
// remote cache is an optimisation; so by default ([MissOnStoreFailure]) a
// store failure is answered as if nothing were stored: 404 to a GET, 409 to
// a PUT. Builds keep running at the cost of running tasks again; every such
// failure is logged at error level through [Options.Logger] and reported to
// [Options.OnLookup] as [LookupFailed], so that it can be counted and
// alerted on. [ErrorOnStoreFailure] answers 503 instead, for deployments
// that would rather stop builds than let an outage pass unnoticed in CI.
//
// A download is bounded by [Options.DownloadTimeout]: nx has no timeout of
// its own and would wait forever on a stalled connection; cut off, it ends
// its run with an error instead.
package nxapi
