// Package storage defines the contract between the Turborepo remote-cache
// protocol and the places artifacts are kept.
//
// A [Store] holds artifacts: opaque byte streams (a zstd-compressed tar, for
// Turborepo) stored under a [ValidKey] together with the [Metadata] the
// client sent. Drivers live in their own packages (memstore, fsstore, s3store,
// r2store, kvstore); the storagetest package checks that a driver keeps every
// rule below, and any Store that passes it can be served by httpapi.
//
// # Rules every Store keeps
//
//   - Keys are checked with [ValidKey] before any I/O. An invalid key is
//     rejected with an error wrapping [ErrInvalidKey], and no key ever resolves
//     outside the store's root directory, bucket prefix or namespace.
//   - Put is all or nothing. When the reader fails, yields fewer or more bytes
//     than a non-negative size, or the context ends, Put returns an error and
//     no artifact becomes visible; an artifact already stored under the key
//     stays intact. Readers see either the old or the new artifact, never a
//     mix of the two, and never a body with another Put's metadata.
//   - Get streams: the memory it uses does not grow with the artifact's size.
//     The returned reader yields exactly Info.Size bytes.
//   - A missing artifact is reported as an error wrapping [ErrNotFound] by Get
//     and Stat. Delete of a missing key succeeds.
//   - Errors wrap a sentinel where one applies and keep the backend's error in
//     the chain, so both errors.Is and errors.As work.
//   - All methods are safe for concurrent use.
//
// A store that retries failed backend requests asks [MayRetry] before each
// retry, so that a caller can ask for one attempt ([WithoutRetries]) or for no
// retry of a request the backend throttled ([WithoutThrottledRetries]), and
// reports throttling as an error wrapping [ErrThrottled].
//
// A store may refuse (with an error, and without harm to either artifact) to
// store both a key and a longer key that has it as a prefix segment, such as
// "team" and "team/abc": in a directory one of them would have to be both a
// file and a directory. Keys of a fixed number of segments, like the
// "<team>/<hash>" keys httpapi uses, never meet this.
package storage
