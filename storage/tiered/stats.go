package tiered

import (
	"sync/atomic"

	"github.com/turbocache/turbocache/storage"
)

// Stats counts what a Store has done since New. The metrics package, or
// any other, can read it periodically.
type Stats struct {
	// LocalHits counts Gets answered by the local store, QueueHits those
	// answered by an artifact still queued for upload.
	LocalHits, QueueHits int64
	// RemoteGets counts the Gets sent to the remote; Fills the local
	// copies they completed, FillFailures those that failed or were
	// abandoned.
	RemoteGets, Fills, FillFailures int64
	// Uploads counts the artifacts sent to the remote, UploadFailures the
	// attempts that failed (each is retried).
	Uploads, UploadFailures int64
	// Queued and QueuedBytes are the uploads waiting now, and their size.
	Queued      int
	QueuedBytes int64
}

// counters are the cumulative fields of Stats.
type counters struct {
	localHits, queueHits            atomic.Int64
	remoteGets, fills, fillFailures atomic.Int64
	uploads, uploadFailures         atomic.Int64
}

// Stats returns the Store's counters and the queue's length now.
func (s *Store) Stats() Stats {
	n, bytes := s.queued()
	c := &s.stats
	return Stats{
		LocalHits: c.localHits.Load(), QueueHits: c.queueHits.Load(),
		RemoteGets: c.remoteGets.Load(), Fills: c.fills.Load(), FillFailures: c.fillFailures.Load(),
		Uploads: c.uploads.Load(), UploadFailures: c.uploadFailures.Load(),
		Queued: n, QueuedBytes: bytes,
	}
}

// Usage reports the local store's usage when it is a
// [storage.UsageReporter] (a bounded fsstore), and zero otherwise. The
// queue directory is not counted: it is bounded by Options.MaxQueueBytes.
func (s *Store) Usage() storage.Usage {
	if u, ok := s.local.(storage.UsageReporter); ok {
		return u.Usage()
	}
	return storage.Usage{}
}
