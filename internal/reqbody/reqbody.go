// Package reqbody holds what the protocol handlers (httpapi, nxapi) do
// alike with a request's body and its client: note whether the body was
// read to its end, stop net/http from draining a refused one, tell the
// client's failure from the store's, and recognise a client that went away.
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

// EOFBody records whether a request body was read to its end.
type EOFBody struct {
	io.ReadCloser
	eof atomic.Bool
}

// Read reads from the body, noting io.EOF.
func (b *EOFBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof.Store(true)
	}
	return n, err
}

// DropUnread ends the reading of a request whose body the handler refused
// (or gave up on) before its end. Otherwise net/http drains what is left
// before answering, at the client's pace, and a client that stalls holds
// the connection until the server's ReadTimeout.
//
// The body may still be read for grace: with none, the connection is torn
// down under the answer, and a client still sending its body gets a reset
// instead of the answer.
func DropUnread(w http.ResponseWriter, body *EOFBody, grace time.Duration) {
	if !body.eof.Load() {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(grace)) // not supported by every ResponseWriter
	}
}

// Recorder remembers the first error its reader returned, so that a failed
// store call can be told apart: the client's upload broke, or the store
// did.
type Recorder struct {
	R   io.Reader
	Err error
}

// Read reads from R, keeping the first error.
func (b *Recorder) Read(p []byte) (int, error) {
	n, err := b.R.Read(p)
	if err != nil && b.Err == nil {
		b.Err = err
	}
	return n, err
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
