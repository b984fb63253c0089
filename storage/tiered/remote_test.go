package tiered_test

import (
	"context"
	"errors"
	"io"
	"iter"
	"sync/atomic"

	"github.com/turbocache/turbocache/storage"
)

// errDown is the failure of a remote that is down.
var errDown = errors.New("remote: connection refused")

// flaky wraps a real store the way a network makes it behave: it can be
// down, counts the requests it gets, and can hold or cut short the bodies
// of its Gets.
type flaky struct {
	storage.Store
	down       atomic.Bool
	gets, puts atomic.Int64
	// hold, when not nil, delays every body's first read until it is
	// closed.
	hold chan struct{}
	// cutAfter, when positive, makes bodies fail (or, with short, end)
	// after that many bytes.
	cutAfter int64
	short    bool
}

func (f *flaky) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	f.gets.Add(1)
	if f.down.Load() {
		return nil, storage.Info{}, errDown
	}
	rc, info, err := f.Store.Get(ctx, key)
	if err != nil {
		return nil, info, err
	}
	return &flakyBody{ReadCloser: rc, f: f}, info, nil
}

func (f *flaky) Stat(ctx context.Context, key string) (storage.Info, error) {
	if f.down.Load() {
		return storage.Info{}, errDown
	}
	return f.Store.Stat(ctx, key)
}

func (f *flaky) Put(ctx context.Context, key string, r io.Reader, size int64, md storage.Metadata) error {
	f.puts.Add(1)
	if f.down.Load() {
		return errDown
	}
	return f.Store.Put(ctx, key, r, size, md)
}

func (f *flaky) Delete(ctx context.Context, key string) error {
	if f.down.Load() {
		return errDown
	}
	return f.Store.Delete(ctx, key)
}

func (f *flaky) List(ctx context.Context, prefix string) iter.Seq2[storage.Object, error] {
	return f.Store.(storage.Lister).List(ctx, prefix)
}

type flakyBody struct {
	io.ReadCloser
	f    *flaky
	read int64
}

func (b *flakyBody) Read(p []byte) (int, error) {
	if b.f.hold != nil {
		<-b.f.hold
	}
	if c := b.f.cutAfter; c > 0 {
		if b.read >= c {
			if b.f.short {
				return 0, io.EOF
			}
			return 0, errDown
		}
		p = p[:min(int64(len(p)), c-b.read)]
	}
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	return n, err
}
