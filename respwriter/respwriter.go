// Package respwriter records what a handler writes: its status code and the
// size of its body, for a middleware that logs or counts requests (the
// metrics package and the standalone server's request log use it).
//
// A [Recorder] keeps the optional interfaces that matter to a cache
// server: io.ReaderFrom, so that a download still goes out with sendfile,
// and Unwrap, so that http.ResponseController still reaches the
// connection to flush or to set deadlines.
package respwriter

import (
	"io"
	"net/http"
)

// Recorder is an http.ResponseWriter that records the status code and counts
// the body bytes written through it. It passes io.ReaderFrom through, so
// that net/http can still send files with sendfile behind it.
type Recorder struct {
	http.ResponseWriter
	// Code is the status code written; 200 until one is.
	Code int
	// Bytes is the number of body bytes written.
	Bytes       int64
	wroteHeader bool
}

// New returns a Recorder writing to w.
func New(w http.ResponseWriter) *Recorder {
	return &Recorder{ResponseWriter: w, Code: http.StatusOK}
}

// WriteHeader records the first status code and writes it.
func (w *Recorder) WriteHeader(code int) {
	if !w.wroteHeader {
		w.Code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write writes and counts body bytes.
func (w *Recorder) Write(p []byte) (int, error) {
	w.wroteHeader = true
	n, err := w.ResponseWriter.Write(p)
	w.Bytes += int64(n)
	return n, err
}

// ReadFrom copies r into the body through the underlying writer's ReadFrom.
func (w *Recorder) ReadFrom(r io.Reader) (int64, error) {
	w.wroteHeader = true
	n, err := io.Copy(w.ResponseWriter, r)
	w.Bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *Recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
