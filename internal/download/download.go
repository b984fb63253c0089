// Package download holds what the protocol handlers (httpapi, nxapi) do
// alike to send an artifact: open it for a GET or only stat it for a HEAD,
// and copy it to the client so that net/http can use sendfile(2).
package download

import (
	"context"
	"io"
	"net/http"

	"github.com/turbocache/turbocache/storage"
)

// Open returns what a request of method (GET or HEAD) needs of the artifact
// stored under key: its info, and for a GET its body, which the caller
// closes. For a HEAD the body is nil and the store is only asked for the
// artifact's info.
func Open(ctx context.Context, store storage.Store, method, key string) (io.ReadCloser, storage.Info, error) {
	if method == http.MethodHead {
		info, err := store.Stat(ctx, key)
		return nil, info, err
	}
	return store.Get(ctx, key)
}

// A counter is a body that counts what is read of it, around the reader
// it wraps: a store wrapper's, such as usage.Recorder's. Send copies from
// the reader beneath, so that a file still goes out with sendfile, and
// gives the counter the number of bytes sent.
type counter interface {
	Unwrap() io.Reader
	Count(n int64)
}

// Send answers 200 with the headers already set on w and, when body is not
// nil, copies its size bytes and closes it. The copy goes through
// io.CopyN, whose io.LimitedReader net/http sends with sendfile(2) when
// the reader is an *os.File (beneath a counter, too). An error is the
// copy's: the status line is gone by then, and the client sees a short
// body.
func Send(w http.ResponseWriter, body io.ReadCloser, size int64) error {
	w.WriteHeader(http.StatusOK)
	if body == nil {
		return nil
	}
	defer body.Close()
	c, counted := body.(counter)
	if !counted {
		_, err := io.CopyN(w, body, size)
		return err
	}
	n, err := io.CopyN(w, c.Unwrap(), size)
	c.Count(n)
	return err
}
