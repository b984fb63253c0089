package tiered_test

import (
	"context"
	"errors"
	"io"
	"sync/atomic"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// errBroken is the failure of a remote read cut short by the test.
var errBroken = errors.New("remote connection reset")

// remote is a memstore that counts its Gets and can misbehave the way a
// store across a network does.
type remote struct {
	*memstore.Store
	gets atomic.Int64
	// failAfter, when positive, makes each reader fail after that many bytes.
	failAfter int64
	// atEnd, when set, runs when a reader yields its last byte, while the
	// caller's copy is still in progress.
	atEnd func()
}

func newRemote() *remote { return &remote{Store: memstore.New(nil)} }

func (r *remote) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	r.gets.Add(1)
	rc, info, err := r.Store.Get(ctx, key)
	if err != nil {
		return nil, info, err
	}
	return &remoteReader{ReadCloser: rc, r: r}, info, nil
}

type remoteReader struct {
	io.ReadCloser
	r    *remote
	read int64
}

func (rr *remoteReader) Read(p []byte) (int, error) {
	if f := rr.r.failAfter; f > 0 {
		if rr.read >= f {
			return 0, errBroken
		}
		p = p[:min(int64(len(p)), f-rr.read)]
	}
	n, err := rr.ReadCloser.Read(p)
	rr.read += int64(n)
	if err == io.EOF && rr.r.atEnd != nil {
		rr.r.atEnd()
		rr.r.atEnd = nil
	}
	return n, err
}
