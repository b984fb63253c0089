// Package kvstore is a [storage.Store] over the Cloudflare Workers KV REST
// API, written with net/http alone.
//
// # Layout in the namespace
//
// An artifact that fits in one part (Config.PartSize, 24 MiB by default) is
// one KV value under the artifact's own key: a one-line JSON manifest followed
// by the artifact's bytes. A larger artifact is split into parts, each a KV
// value under a key unique to that upload,
//
//	~part/<artifact key>~<upload ID>.<part number>
//
// and once every part is written, a manifest without bytes is written under
// the artifact's key. The manifest is the commit point: until it is written
// nothing is visible, and readers find either the old manifest or the new
// one. Part keys begin with '~', a byte no storage key holds, so they never
// collide with an artifact and List can tell them apart (and, since KV lists
// keys in byte order, stop once it reaches them).
//
// The manifest carries the artifact's metadata, which may exceed KV's
// 1,024-byte metadata limit. The KV metadata of the manifest holds what List,
// Stat and an overwrite need without reading the value: size, creation time,
// upload ID, part count and, when they fit, the artifact's metadata fields.
//
// Get reads the manifest, checks with one listing that every part exists,
// and then streams the parts one after another: a missing part is a miss
// (storage.ErrNotFound), and a part that ends early or goes missing while
// being read is an error, never a silently truncated artifact. Put and
// Delete remove the parts of the artifact they replace; parts left behind by
// a crash or a lost race expire with the time to live, when one is set.
//
// Memory is bounded by about one part per Put (the part is buffered so it can
// be retried) and by a few small buffers per Get.
//
// # Requests and rate limits
//
// Every call goes through one retry loop: HTTP 429 and 5xx answers and
// transport errors are retried with capped exponential backoff that honours
// Retry-After (see [RetryPolicy]). The envelope's success field is checked,
// not only the status; code 10009 becomes storage.ErrNotFound. Keys are
// percent-encoded, '/' included.
//
// # No create-only write
//
// Workers KV has no conditional write, so the Store does not implement
// [storage.Creator]. Protocols whose records are written once (nxapi) fall
// back to Stat, then Put, under a lock per key held in their own process:
// that keeps one record per key among the requests one server handles, but
// two servers sharing a namespace can both see no record and both write; the
// last Put wins (each is whole), and KV's eventual consistency lets a reader
// elsewhere see either for up to a minute.
package kvstore
