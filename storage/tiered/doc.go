// Package tiered is a [storage.Store] that keeps a local disk tier in front
// of a remote store (s3store, r2store, kvstore): hits are served from the
// local disk, misses are read from the remote while they fill the tier, and
// uploads land on the local disk first and go to the remote from there.
//
//	local, _ := fsstore.Open("/var/cache/turbocache/artifacts", &fsstore.Options{MaxSize: 50 << 30})
//	s, _ := tiered.New(local, remote, &tiered.Options{QueueDir: "/var/cache/turbocache/uploads"})
//	defer s.Close()
//
// # Reads
//
// Get answers from, in order: an upload still queued for the remote, the
// local store, the remote. A local answer is the local store's own reader
// (fsstore's *os.File), so httpapi sends it with sendfile, and makes no
// request to the remote.
//
// A miss streams the remote's body to the caller and, through the same
// reads, into a Put of the local store; since that Put is all or nothing, a
// remote read that fails or a body shorter than its size leaves no local
// artifact. When the caller stops reading early (a client that went away),
// the fill goes on in the background if at most Options.BackgroundFill bytes
// are left, and is abandoned otherwise. The local copy is written through a
// buffer of at most 2.5 MiB per fill, so that the network and the disk work
// at once, and the caller waits for the disk only when the buffer is full.
// Concurrent misses of one key make one remote request: the others wait for
// the fill and then read the local copy.
// A remote that fails makes Get fail with its error, never with
// [storage.ErrNotFound]: a remote outage is not a miss.
//
// # Writes
//
// Put stores the artifact in the queue directory (Options.QueueDir, a
// directory of its own that the local store's eviction never touches), under
// fsstore's rules: written to a temporary file, synced, renamed into place.
// From there it is sent to the remote, reading the file, so no artifact is
// held in memory; once the remote has it, it moves into the local store:
// over an fsstore on the same file system its file is renamed
// ([fsstore.Store.Move]), so no byte is written twice; over another local
// store it is copied and removed from the queue directory. Options.Write chooses when Put
// returns:
//
//   - [WriteBack] (the default): once the artifact is synced in the queue
//     directory and queued. Uploads run in the background, Options.Uploads at
//     a time, retried with exponential backoff while the remote fails. The
//     queue is bounded (Options.MaxQueueLen, Options.MaxQueueBytes); a Put
//     that finds it full is written through instead, and fails when the
//     remote does. After a crash, every artifact whose Put returned is in the
//     queue directory, and New queues it again: nothing is lost unless the
//     disk itself is. Until its upload finishes, other replicas sharing the
//     remote do not see the artifact.
//   - [WriteThrough]: once the remote has the artifact. A Put that returned
//     nil is on the remote; a Put that fails (the remote is down) leaves
//     nothing behind. A crash during a Put may leave its artifact in the
//     queue directory, and New uploads it: an artifact the client was never
//     told was stored can still appear, which a cache keyed by content
//     tolerates.
//
// A Put of a key whose upload is still queued replaces it in the queue, in
// either mode, as it has nowhere to roll back to.
//
// # Consistency across replicas
//
// Turborepo's keys are hashes of a task's inputs, so two artifacts stored
// under one key are interchangeable, and a local copy is a valid answer for
// as long as it exists. The tier relies on this: it never asks the remote
// whether a local copy is current. For a Store of this package, its own Put
// and Delete take effect at once in its own reads. Several replicas sharing
// one remote, each with a tier of its own, see each other's writes only
// through the remote:
//
//   - a Delete (an expiry sweep included) or an overwrite made through one
//     replica removes or replaces the remote's artifact and that replica's
//     local copy, but another replica keeps serving its own local copy until
//     its local store evicts it or the same key is deleted through it;
//   - with WriteBack, an artifact reaches other replicas only when its upload
//     finishes; until then they miss it.
//
// Keys that are not content-addressed, whose artifacts change under one
// key, need a single replica, or no tier.
//
// # Stat, Delete and List
//
// Stat answers like Get, without filling the tier. Delete removes the
// artifact from the queue (stopping its upload), the remote and the local
// store, in that order, and reports every failure. List is the remote's
// listing (an error wrapping [storage.ErrNoLister] when the remote cannot
// list), with the uploads still queued added. Info.Created is the
// artifact's own: the Put's for an artifact stored through the tier, the
// remote's for one filled from it. Over an fsstore the tier sets a local
// copy's file time to it, so that Stat and List agree and an expiry sweep
// sees the artifact's true age; over another local store a copy reports
// when it was made.
//
// # Processes
//
// A queue directory belongs to one Store at a time: two sharing it would
// upload each other's artifacts and remove them under each other. New takes
// a lock (flock, on Unix) on the file <QueueDir>.lock beside it, held until
// Close or the process's death, and fails while another Store holds it. The
// local store may be shared, as fsstore allows.
package tiered
