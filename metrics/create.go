package metrics

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// create is Create of a store whose driver implements storage.Creator. An
// artifact that exists is an expected outcome, not a failure.
func (s *store) create(ctx context.Context, c storage.Creator, key string, r io.Reader, size int64, md storage.Metadata) error {
	start := time.Now()
	err := c.Create(ctx, key, r, size, md)
	if errors.Is(err, storage.ErrExists) {
		s.observe("create", start, nil)
	} else {
		s.observe("create", start, err)
	}
	return err
}

// creatorStore is a store whose driver implements storage.Creator.
type creatorStore struct {
	*store
	c storage.Creator
}

func (s *creatorStore) Create(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	return s.create(ctx, s.c, key, r, size, md)
}

// listerCreatorStore is a store whose driver implements storage.Lister and
// storage.Creator.
type listerCreatorStore struct {
	*listerStore
	c storage.Creator
}

func (s *listerCreatorStore) Create(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	return s.create(ctx, s.c, key, r, size, md)
}
