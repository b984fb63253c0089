// Package reqbody holds what the protocol handlers (httpapi, nxapi) and the
// metrics wrapper around them do alike with a request's body and its
// client: watch the body's reads (bytes, end, failure, limit), stop
// net/http from draining a refused body, and recognise a client that went
// away.
package reqbody

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"syscall"
	"time"
)

// Body watches a request's body for every layer that wants to know how its
// reads went: how many bytes were read, whether its end was reached, the
// first error, and whether an upload's limit was hit. One Body serves them
// all (see [Watch]), so a body passes through one watching reader however
// many layers observe it.
type Body struct {
	rc    io.ReadCloser
	n     atomic.Int64
	eof   atomic.Bool
	limit atomic.Int64 // 0: none
	err   atomic.Pointer[error]
}

// Watch returns the Body that watches r's body, putting one in place of
// r.Body when no layer in front did. The flags are atomic: a handler may
// run on another goroutine than the layer that reads them
// (http.TimeoutHandler).
func Watch(r *http.Request) *Body {
	if b, ok := r.Body.(*Body); ok {
		return b
	}
	b := &Body{rc: r.Body}
	if b.rc == nil {
		b.rc = http.NoBody
	}
	r.Body = b
	return b
}

// Read reads from the body, counting the bytes and noting io.EOF and the
// first error.
func (b *Body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n.Add(int64(n))
	if err != nil {
		b.err.CompareAndSwap(nil, &err)
		if err == io.EOF {
			b.eof.Store(true)
		}
	}
	return n, err
}

// Close closes the body.
func (b *Body) Close() error { return b.rc.Close() }

// BytesRead returns how many bytes were read from the body.
func (b *Body) BytesRead() int64 { return b.n.Load() }

// Failed reports whether a read of the body failed: the client's upload
// broke, rather than the store that read it.
func (b *Body) Failed() bool {
	err := b.err.Load()
	return err != nil && !errors.Is(*err, io.EOF)
}

// Upload returns the Body that watches r's body (see [Watch]) and what a
// store's Put reads the upload from, with the handler's bound of max bytes
// (none when max is not positive). fits is false when the upload declares
// a longer Content-Length: refuse it without reading it. An upload that
// declares none is read to no more than max bytes; a declared length the
// store keeps to itself.
//
// The bound is http.MaxBytesReader's, not the Body's own: only it can tell
// the server to close the connection once the answer is sent, rather than
// drain a body it refused. It reads from the Body, so the Body still sees
// every byte the client sent, and knows the limit was hit when more than
// max were.
func Upload(w http.ResponseWriter, r *http.Request, max int64) (body *Body, upload io.Reader, fits bool) {
	if max > 0 && r.ContentLength > max {
		return nil, nil, false
	}
	b := Watch(r)
	if max <= 0 || r.ContentLength >= 0 {
		return b, b, true
	}
	b.limit.Store(max)
	return b, http.MaxBytesReader(w, b, max), true
}

// LimitHit reports whether the upload was longer than the max of
// [Upload]: the reader it returned then failed with an
// *http.MaxBytesError.
func (b *Body) LimitHit() bool {
	limit := b.limit.Load()
	return limit > 0 && b.n.Load() > limit
}

// DropUnread ends the reading of a request whose body the handler refused
// (or gave up on) before its end. Otherwise net/http drains what is left
// before answering, at the client's pace, and a client that stalls holds
// the connection until the server's ReadTimeout.
//
// The body may still be read for grace: with none, the connection is torn
// down under the answer, and a client still sending its body gets a reset
// instead of the answer.
func (b *Body) DropUnread(w http.ResponseWriter, grace time.Duration) {
	if !b.eof.Load() {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(grace)) // not supported by every ResponseWriter
	}
}

// ClientGone reports whether err is what reading from or writing to a client
// that went away looks like, rather than a failure of the server.
func ClientGone(ctx context.Context, err error) bool {
	return ctx.Err() != nil ||
		errors.Is(err, context.Canceled) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, http.ErrHandlerTimeout)
}
