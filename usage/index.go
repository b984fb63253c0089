package usage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/turbocache/turbocache/storage"
)

// probe finds out, at the first flush, whether a Lister can list: a
// wrapper (a tier) may implement List over a store that cannot, and then
// replicas need the index to find each other.
func (r *Recorder) probe(ctx context.Context, l storage.Lister) {
	for _, err := range l.List(ctx, dayPrefix(dayOf(r.now()))) {
		if errors.Is(err, storage.ErrNoLister) {
			r.noList.Store(true)
		}
		if err != nil && !errors.Is(err, storage.ErrNoLister) {
			return // try again at the next flush
		}
		break
	}
	r.probed = true
}

// replicaIndex is the record of replica names.
type replicaIndex struct {
	Replicas []string `json:"replicas"`
}

// readIndex reads the replica names; none when there is no index yet.
func (r *Recorder) readIndex(ctx context.Context) ([]string, error) {
	rc, _, err := r.store.Get(ctx, indexKey)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("usage: reading %s: %w", indexKey, err)
	}
	defer rc.Close()
	var idx replicaIndex
	if err := json.NewDecoder(rc).Decode(&idx); err != nil {
		return nil, fmt.Errorf("usage: reading %s: %w", indexKey, err)
	}
	return idx.Replicas, nil
}

// index adds this replica's name to the index until a read shows it there:
// a concurrent writer may have replaced the index written last time.
func (r *Recorder) index(ctx context.Context) error {
	if r.indexed {
		return nil
	}
	names, err := r.readIndex(ctx)
	if err != nil {
		return err
	}
	if slices.Contains(names, r.replica) {
		r.indexed = true
		return nil
	}
	body, err := json.Marshal(replicaIndex{Replicas: append(names, r.replica)})
	if err != nil {
		return err
	}
	if err := r.store.Put(ctx, indexKey, bytes.NewReader(body), int64(len(body)), storage.Metadata{}); err != nil {
		return fmt.Errorf("usage: writing %s: %w", indexKey, err)
	}
	return nil
}
