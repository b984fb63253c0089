// Package httpapi serves the Turborepo remote-cache protocol (the /v8
// artifacts API spoken by the turbo CLI) in front of any [storage.Store].
//
// [New] returns an [http.Handler] that expects the protocol's paths at its
// root: /v8/artifacts/status, /v8/artifacts/{hash}, /v8/artifacts and
// /v8/artifacts/events. To serve it below a prefix of an existing mux, strip
// the prefix first, and point turbo's --api at the prefix:
//
//	mux.Handle("/turbo/", http.StripPrefix("/turbo", h)) // turbo --api=https://host/turbo
//
// # Teams
//
// Every artifact belongs to a team. The team is the teamId query parameter
// when present, else slug, else [Options.DefaultTeam]; a request for a team's
// artifacts without any of them is refused with 400. An artifact is stored
// under the key "<team>/<hash>", so teams never see each other's artifacts,
// even when they build the same task hash. Hashes and team names are checked
// before any store call: a hash is 1 to [MaxHashLen] hexadecimal digits, a
// team 1 to [MaxTeamLen] ASCII letters, digits, '.', '_' or '-', and neither
// "." nor "..".
//
// # Authentication
//
// [Options.Auth] decides who may read and write which team's artifacts.
// [TokenAuth] implements the usual scheme of bearer tokens, optionally
// read-only or limited to some teams, which [ParseTokenFile] reads from a
// file; any [Authenticator] can replace it.
//
// # Errors
//
// Every error answer carries a JSON body with its code and message twice:
// {"code":…,"message":…,"error":{"code":…,"message":…}}, at the top level as
// the published Remote Cache API spec has it, and under "error" as the
// turbo CLI reads it. A store failure is a 5xx, never a miss,
// and is logged through [Options.Logger] with the operation, team, hash and
// cause.
package httpapi
