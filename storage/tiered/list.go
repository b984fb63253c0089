package tiered

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/turbocache/turbocache/storage"
)

// List yields the uploads still queued whose keys start with prefix, then
// the remote's artifacts not among them. It fails with an error wrapping
// storage.ErrNoLister when the remote is not a storage.Lister.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[storage.Object, error] {
	return func(yield func(storage.Object, error) bool) {
		l, ok := s.remote.(storage.Lister)
		if !ok {
			yield(storage.Object{}, fmt.Errorf("tiered: list: %w (%T)", storage.ErrNoLister, s.remote))
			return
		}
		s.mu.Lock()
		var keys []string
		for key := range s.pending {
			if strings.HasPrefix(key, prefix) {
				keys = append(keys, key)
			}
		}
		s.mu.Unlock()
		queued := make(map[string]bool, len(keys))
		for _, key := range keys {
			info, err := s.queue.Stat(ctx, key)
			if err != nil {
				continue // uploaded or deleted meanwhile: the remote lists it, or not
			}
			queued[key] = true
			if !yield(storage.Object{Key: key, Size: info.Size, Created: info.Created}, nil) {
				return
			}
		}
		for obj, err := range l.List(ctx, prefix) {
			if err != nil {
				yield(storage.Object{}, fmt.Errorf("tiered: list: %w", err))
				return
			}
			if queued[obj.Key] {
				continue
			}
			if info, err := s.local.Stat(ctx, obj.Key); err == nil {
				// The creation time Stat reports: a queued artifact's
				// upload made the remote's later.
				obj.Created = info.Created
			}
			if !yield(obj, nil) {
				return
			}
		}
	}
}
