// Package memstore is a [storage.Store] that keeps artifacts in memory.
//
// It is meant for tests and examples: everything is lost when the process
// exits, and nothing bounds the memory it uses.
package memstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// Store is an in-memory [storage.Store], [storage.Lister] and
// [storage.Creator]. The zero value is not usable; call New.
type Store struct {
	now func() time.Time

	mu        sync.RWMutex
	artifacts map[string]*artifact
}

// artifact is immutable once stored: Put replaces the pointer.
type artifact struct {
	body []byte
	info storage.Info
}

// Options configures a Store. A nil *Options means the defaults.
type Options struct {
	// Now reports the time recorded as an artifact's creation time.
	// Nil means time.Now. Tests of expiry set it.
	Now func() time.Time
}

// New returns an empty Store.
func New(opts *Options) *Store {
	s := &Store{now: time.Now, artifacts: make(map[string]*artifact)}
	if opts != nil && opts.Now != nil {
		s.now = opts.Now
	}
	return s
}

// Get returns a reader over the artifact stored under key.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	a, err := s.lookup(ctx, key)
	if err != nil {
		return nil, storage.Info{}, err
	}
	return io.NopCloser(bytes.NewReader(a.body)), a.info, nil
}

// Stat reports on the artifact stored under key.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	a, err := s.lookup(ctx, key)
	if err != nil {
		return storage.Info{}, err
	}
	return a.info, nil
}

func (s *Store) lookup(ctx context.Context, key string) (*artifact, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	a := s.artifacts[key]
	s.mu.RUnlock()
	if a == nil {
		return nil, fmt.Errorf("memstore: %q: %w", key, storage.ErrNotFound)
	}
	return a, nil
}

// Put reads r to the end and stores its bytes under key.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	a, err := s.read(ctx, "put", key, r, size, md)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.artifacts[key] = a
	s.mu.Unlock()
	return nil
}

// read checks key and reads the artifact an upload (op) of r brings: all of
// it, or an error.
func (s *Store) read(ctx context.Context, op, key string, r io.Reader, size int64, md storage.Metadata) (*artifact, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, err
	}
	data, err := readAll(storage.ExactReader(ctx, r, size), size)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("memstore: %s %q: %w", op, key, err)
	}
	return &artifact{body: data, info: storage.Info{Size: int64(len(data)), Created: s.now(), Metadata: md}}, nil
}

// Create reads r to the end and stores its bytes under key, unless an
// artifact is stored there already: then it fails with an error wrapping
// storage.ErrExists. The check and the store are one step under the
// Store's lock, so of concurrent Creates of one key exactly one succeeds.
func (s *Store) Create(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	a, err := s.read(ctx, "create", key, r, size, md)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.artifacts[key] != nil {
		return fmt.Errorf("memstore: create %q: %w", key, storage.ErrExists)
	}
	s.artifacts[key] = a
	return nil
}

// Delete removes the artifact stored under key, if any.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.artifacts, key)
	s.mu.Unlock()
	return nil
}

// List yields the artifacts whose keys start with prefix. It lists a
// snapshot taken when iteration starts.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[storage.Object, error] {
	return func(yield func(storage.Object, error) bool) {
		s.mu.RLock()
		var objs []storage.Object
		for k, a := range s.artifacts {
			if strings.HasPrefix(k, prefix) {
				objs = append(objs, storage.Object{Key: k, Size: a.info.Size, Created: a.info.Created})
			}
		}
		s.mu.RUnlock()
		for _, o := range objs {
			if err := ctx.Err(); err != nil {
				yield(storage.Object{}, err)
				return
			}
			if !yield(o, nil) {
				return
			}
		}
	}
}

// readAll reads r to its end. When size is known the artifact is read into
// one allocation of exactly that size.
func readAll(r io.Reader, size int64) ([]byte, error) {
	if size < 0 {
		return io.ReadAll(r)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, err
	}
	// r is an ExactReader: reading past the size reports a longer body.
	switch _, err := r.Read(make([]byte, 1)); err {
	case io.EOF:
	case nil:
		return nil, io.ErrNoProgress
	default:
		return nil, err
	}
	return data, nil
}
