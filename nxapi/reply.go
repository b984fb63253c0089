package nxapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// contentTypeText is the Content-Type of every answer but a record's: nx
// prints the body of a 401 only when the type is exactly this, and reports
// a misconfigured server for "text/plain; charset=utf-8", which is what
// http.Error would send.
const contentTypeText = "text/plain"

// reply answers status with a one-line text message.
func reply(w http.ResponseWriter, status int, message string) {
	hd := w.Header()
	hd.Set("Content-Type", contentTypeText)
	hd.Set("Content-Length", strconv.Itoa(len(message)+1))
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, message+"\n")
}

// clientGone reports whether err is what reading from or writing to a client
// that went away looks like, rather than a failure of the server.
func clientGone(ctx context.Context, err error) bool {
	return errors.Is(ctx.Err(), context.Canceled) ||
		errors.Is(err, context.Canceled) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, http.ErrHandlerTimeout)
}

// eofBody records whether a request body was read to its end.
type eofBody struct {
	io.ReadCloser
	eof atomic.Bool
}

func (b *eofBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof.Store(true)
	}
	return n, err
}

// dropUnreadBody ends the reading of a request whose body the handler
// refused before its end (an upload too large, or unauthorized), so that
// net/http does not drain the rest at the client's pace before answering.
func dropUnreadBody(w http.ResponseWriter, body *eofBody) {
	if !body.eof.Load() {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now()) // not supported by every ResponseWriter
	}
}
