package metrics

import (
	"context"
	"errors"
	"io"
	"iter"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// Store returns s instrumented: the latency and failures of every operation,
// and the hits and misses of Get. The result implements storage.Lister and
// storage.Creator when s does.
func (m *Metrics) Store(s storage.Store) storage.Store {
	is := &store{m: m, s: s}
	l, isLister := s.(storage.Lister)
	c, isCreator := s.(storage.Creator)
	switch {
	case isLister && isCreator:
		return &listerCreatorStore{listerStore: &listerStore{store: is, l: l}, c: c}
	case isLister:
		return &listerStore{store: is, l: l}
	case isCreator:
		return &creatorStore{store: is, c: c}
	}
	return is
}

type store struct {
	m *Metrics
	s storage.Store
}

// observe records one operation that started at start and ended with err.
func (s *store) observe(op string, start time.Time, err error) {
	s.m.storeLatency.WithLabelValues(op).Observe(time.Since(start).Seconds())
	if err != nil && !errors.Is(err, storage.ErrNotFound) && !errors.Is(err, context.Canceled) {
		s.m.storeErrors.WithLabelValues(op).Inc()
	}
}

func (s *store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	start := time.Now()
	rc, info, err := s.s.Get(ctx, key)
	s.observe("get", start, err)
	switch {
	case err == nil:
		s.m.lookups.WithLabelValues("hit").Inc()
	case errors.Is(err, storage.ErrNotFound):
		s.m.lookups.WithLabelValues("miss").Inc()
	}
	return rc, info, err
}

func (s *store) Stat(ctx context.Context, key string) (storage.Info, error) {
	start := time.Now()
	info, err := s.s.Stat(ctx, key)
	s.observe("stat", start, err)
	return info, err
}

func (s *store) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	start := time.Now()
	err := s.s.Put(ctx, key, r, size, md)
	s.observe("put", start, err)
	return err
}

func (s *store) Delete(ctx context.Context, key string) error {
	start := time.Now()
	err := s.s.Delete(ctx, key)
	s.observe("delete", start, err)
	return err
}

type listerStore struct {
	*store
	l storage.Lister
}

func (s *listerStore) List(ctx context.Context, prefix string) iter.Seq2[storage.Object, error] {
	return func(yield func(storage.Object, error) bool) {
		start := time.Now()
		var failed error
		defer func() { s.observe("list", start, failed) }()
		for obj, err := range s.l.List(ctx, prefix) {
			failed = err
			if !yield(obj, err) {
				return
			}
		}
	}
}
