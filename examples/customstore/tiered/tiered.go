// Package tiered is a [storage.Store] that puts a fast local store in front
// of a slow or remote one: a read-through cache for a cache. It is written
// the way any custom Store can be written, and checked with storagetest.
//
// The remote store (s3store, kvstore, ...) is the source of truth: every
// Put, Stat, Delete and List goes to it. The local store (typically fsstore)
// only ever holds copies of what Get read from the remote, and a copy is used
// only while it is current.
//
// # When a local copy is current
//
// Every Get asks the remote for the artifact's Info with one Stat, and uses
// the local copy only when it has the same size and metadata and was made
// after the remote's artifact was created. An artifact replaced on the remote
// by any writer, through this Store or not, is newer than the copy, so a stale
// copy is never served; the Stat costs one small request and saves the
// transfer. A copy made while a writer replaced the artifact is checked
// against the remote once more when it is complete, and removed if the
// artifact changed meanwhile.
//
// The rule compares creation times from two clocks, the remote's and the
// local store's. Use a local store that records fine-grained times (fsstore
// with Options.Now set to time.Now): with coarse ones a copy made right after
// the remote write looks stale and is made again, which is safe but slower.
// Should the clocks disagree, an overwrite that keeps the size and every
// metadata field, within that disagreement after a copy was made, could go
// unnoticed; Turborepo keys are content hashes, so such an overwrite holds the
// same artifact.
//
// The local store is never emptied by this package: sweep it on its own with
// [storage.Sweep] to bound its size.
package tiered

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/turbocache/turbocache/storage"
)

// Store is a [storage.Store] that serves current local copies of a remote
// store's artifacts. Create one with New. Its methods are safe for
// concurrent use when those of both stores are.
type Store struct {
	remote storage.Store
	local  storage.Store
}

// New returns a Store in front of remote that keeps copies of what it reads
// in local. The result implements [storage.Lister], listing the remote's
// artifacts, when remote does.
func New(remote, local storage.Store) storage.Store {
	s := &Store{remote: remote, local: local}
	if l, ok := remote.(storage.Lister); ok {
		// A wrapper cannot add a method only some of its values have, so the
		// lister is a second type: callers that ask for a Lister get one
		// exactly when the remote store is one.
		return listingStore{s, l}
	}
	return s
}

type listingStore struct {
	*Store
	storage.Lister
}

// Get serves the local copy of the artifact when it is current, and otherwise
// streams the artifact from the remote store while copying it to the local
// one. Closing the reader waits for that copy to be stored or abandoned.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	info, err := s.remote.Stat(ctx, key)
	if err != nil {
		return nil, storage.Info{}, fmt.Errorf("tiered: get %q: %w", key, err)
	}
	// Any failure of the local store, a miss included, falls back to the
	// remote: the local tier is an optimisation, never a reason to fail.
	if rc, copied, err := s.local.Get(ctx, key); err == nil {
		if current(copied, info) {
			return rc, info, nil
		}
		rc.Close()
	}
	rc, info, err := s.remote.Get(ctx, key)
	if err != nil {
		return nil, storage.Info{}, fmt.Errorf("tiered: get %q: %w", key, err)
	}
	return s.fill(ctx, key, rc, info), info, nil
}

// current reports whether copied, a local copy, holds the artifact remote
// describes.
func current(copied, remote storage.Info) bool {
	return copied.Size == remote.Size && copied.Metadata == remote.Metadata &&
		copied.Created.After(remote.Created)
}

// Stat reports on the remote store's artifact.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	info, err := s.remote.Stat(ctx, key)
	if err != nil {
		return storage.Info{}, fmt.Errorf("tiered: stat %q: %w", key, err)
	}
	return info, nil
}

// Put stores the artifact in the remote store and removes its local copy.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	if err := s.remote.Put(ctx, key, r, size, md); err != nil {
		return fmt.Errorf("tiered: put %q: %w", key, err)
	}
	// The new artifact is stored: returning an error now would tell the
	// caller it is not. A copy that could not be removed is older than the
	// new artifact, so Get never serves it; removing it only frees space.
	_ = s.local.Delete(ctx, key)
	return nil
}

// Delete removes the artifact from both stores.
func (s *Store) Delete(ctx context.Context, key string) error {
	err := errors.Join(s.remote.Delete(ctx, key), s.local.Delete(ctx, key))
	if err != nil {
		return fmt.Errorf("tiered: delete %q: %w", key, err)
	}
	return nil
}
