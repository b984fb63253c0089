package usage

import (
	"context"
	"errors"
	"io"
	"iter"
	"strings"
	"sync/atomic"

	"github.com/turbocache/turbocache/storage"
)

// Store returns s counting, for the team and protocol of each key, the
// lookups (Get: a hit or a miss) and the bytes downloaded, and the uploads
// (Put and Create that succeed) and their bytes. Keys of neither protocol
// (<team>/<hash> for turbo, <team>/nx/<hash> for Nx) are not counted. The
// result implements storage.Lister and storage.Creator when s does.
//
// Counting is in memory only: it adds no store request.
func (r *Recorder) Store(s storage.Store) storage.Store {
	cs := &store{r: r, s: s}
	l, isLister := s.(storage.Lister)
	c, isCreator := s.(storage.Creator)
	switch {
	case isLister && isCreator:
		return &listerCreatorStore{store: cs, l: l, c: c}
	case isLister:
		return &listerStore{store: cs, l: l}
	case isCreator:
		return &creatorStore{store: cs, c: c}
	}
	return cs
}

// protocolOf returns the team of an artifact key and whether it is Nx's;
// ok is false for keys of neither protocol.
func protocolOf(key string) (team string, nx, ok bool) {
	team, rest, found := strings.Cut(key, "/")
	if !found || team == "" {
		return "", false, false
	}
	if hash, isNx := strings.CutPrefix(rest, "nx/"); isNx {
		return team, true, hash != "" && !strings.Contains(hash, "/")
	}
	return team, false, rest != "" && !strings.Contains(rest, "/")
}

type store struct {
	r *Recorder
	s storage.Store
}

func (s *store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	rc, info, err := s.s.Get(ctx, key)
	team, nx, ok := protocolOf(key)
	switch {
	case !ok:
	case err == nil:
		s.r.count(team, nx, func(c *Counts) { c.Hits++ })
		rc = &countingReader{ReadCloser: rc, done: func(n int64) {
			s.r.count(team, nx, func(c *Counts) { c.DownloadedBytes += n })
		}}
	case errors.Is(err, storage.ErrNotFound):
		s.r.count(team, nx, func(c *Counts) { c.Misses++ })
	}
	return rc, info, err
}

func (s *store) Stat(ctx context.Context, key string) (storage.Info, error) {
	return s.s.Stat(ctx, key)
}

func (s *store) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	return s.upload(key, r, size, func(r io.Reader) error { return s.s.Put(ctx, key, r, size, md) })
}

func (s *store) Delete(ctx context.Context, key string) error {
	return s.s.Delete(ctx, key)
}

// upload counts the upload put makes of key from r, if it succeeds. A
// store that succeeds stored exactly size bytes; only an unknown size (-1)
// makes the reader counted, so that drivers see the reader they were given.
func (s *store) upload(key string, r io.Reader, size int64, put func(io.Reader) error) error {
	team, nx, ok := protocolOf(key)
	if !ok {
		return put(r)
	}
	var cr *countingReader
	if size < 0 {
		cr = &countingReader{ReadCloser: io.NopCloser(r)}
		r = cr
	}
	if err := put(r); err != nil {
		return err
	}
	n := size
	if cr != nil {
		n = cr.n.Load()
	}
	s.r.count(team, nx, func(c *Counts) { c.Uploads++; c.UploadedBytes += n })
	return nil
}

// countingReader counts the bytes read, and reports them once, at Close.
// A sender that copies from the reader beneath instead (Unwrap), as the
// protocol handlers do so that a file still goes out with sendfile, gives
// it the bytes it sent (Count).
type countingReader struct {
	io.ReadCloser
	n    atomic.Int64
	done func(n int64)
	once atomic.Bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Unwrap returns the reader beneath, whose bytes are not counted unless
// given to Count.
func (c *countingReader) Unwrap() io.Reader { return c.ReadCloser }

// Count counts n bytes read from the reader beneath.
func (c *countingReader) Count(n int64) { c.n.Add(n) }

func (c *countingReader) Close() error {
	err := c.ReadCloser.Close()
	if c.done != nil && c.once.CompareAndSwap(false, true) {
		c.done(c.n.Load())
	}
	return err
}

type listerStore struct {
	*store
	l storage.Lister
}

func (s *listerStore) List(ctx context.Context, prefix string) iter.Seq2[storage.Object, error] {
	return s.l.List(ctx, prefix)
}

type creatorStore struct {
	*store
	c storage.Creator
}

func (s *creatorStore) Create(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	return s.upload(key, r, size, func(r io.Reader) error { return s.c.Create(ctx, key, r, size, md) })
}

type listerCreatorStore struct {
	*store
	l storage.Lister
	c storage.Creator
}

func (s *listerCreatorStore) List(ctx context.Context, prefix string) iter.Seq2[storage.Object, error] {
	return s.l.List(ctx, prefix)
}

func (s *listerCreatorStore) Create(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	return s.upload(key, r, size, func(r io.Reader) error { return s.c.Create(ctx, key, r, size, md) })
}
