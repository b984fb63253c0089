package storagetest

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

var errReader = errors.New("storagetest: reader failed on purpose")

// failingReader yields n bytes of r, then fails with err.
type failingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	if int64(len(p)) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= int64(n)
	return n, err
}

// cancellingReader cancels its context after yielding n bytes of r.
type cancellingReader struct {
	r      io.Reader
	n      int64
	cancel context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	return n, err
}

func testFailedPut(t *testing.T, s storage.Store) {
	const size = 8 << 20
	b := body{seed: 9, size: size}
	cases := []struct {
		name string
		put  func(key string) error
	}{
		{"ReaderFailsMidway", func(key string) error {
			r := &failingReader{r: b.reader(), n: size / 2, err: errReader}
			return s.Put(context.Background(), key, r, size, b.metadata())
		}},
		{"ReaderFailsMidwayUnknownSize", func(key string) error {
			r := &failingReader{r: b.reader(), n: size / 2, err: errReader}
			return s.Put(context.Background(), key, r, -1, b.metadata())
		}},
		{"ShorterThanSize", func(key string) error {
			return s.Put(context.Background(), key, b.reader(), size+1, b.metadata())
		}},
		{"LongerThanSize", func(key string) error {
			return s.Put(context.Background(), key, b.reader(), size-1, b.metadata())
		}},
		{"ContextCancelledBefore", func(key string) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return s.Put(ctx, key, b.reader(), size, b.metadata())
		}},
		{"ContextCancelledMidway", func(key string) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := &cancellingReader{r: b.reader(), n: size / 2, cancel: cancel}
			return s.Put(ctx, key, r, size, b.metadata())
		}},
	}
	old := body{seed: 4, size: 300 << 10}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fresh, existing := "fresh/"+tc.name, "existing/"+tc.name
			put(t, s, existing, old)

			require.Error(t, tc.put(fresh), "Put that must fail, to a new key")
			requireMissing(t, s, fresh)

			require.Error(t, tc.put(existing), "Put that must fail, over an artifact")
			requireStored(t, s, existing, old)
		})
	}
	keys := []string{}
	for _, tc := range cases {
		keys = append(keys, "existing/"+tc.name)
	}
	requireKeys(t, s, keys...)
}
