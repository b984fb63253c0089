// Package kvtest is an in-process server for the Workers KV REST API
// endpoints that kvstore uses, for tests of kvstore and of code built on it.
//
// It serves, under <URL>/accounts/<account>/storage/kv/namespaces/<namespace>,
//
//	PUT    /values/<key>   raw body or multipart/form-data (value, metadata); expiration_ttl, expiration
//	GET    /values/<key>   the raw value, or 404 with code 10009
//	GET    /metadata/<key> the key's metadata in an envelope
//	DELETE /values/<key>
//	POST   /bulk/delete    a JSON array of up to 10,000 keys
//	GET    /keys           prefix, limit (10 to 1,000), cursor
//
// with the documented envelopes and limits: values up to 25 MiB, keys of 1
// to 512 bytes other than "." and "..", metadata up to 1,024 bytes
// serialized, expiration_ttl of at least 60 seconds, keys listed in byte
// order with cursor paging whose last page has an empty cursor. Values are
// kept in files, so large values do not weigh on the test's heap. Writes to
// one key more often than once a second are not refused, and changes are
// visible at once (Workers KV may take a minute).
//
// Faults ([Fault]) make it answer 429 with Retry-After, 5xx, or slowly, so
// tests can check retries and timeouts; [Server.Remove] loses a key behind
// the client's back.
package kvtest
