package metrics

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

// Handler returns h instrumented: requests by route, method and status code,
// and the bytes of request and response bodies by route. The route is one of
// "artifact", "query", "status", "events" and "other", so that hashes and
// teams never become label values.
func (m *Metrics) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := routeOf(r.URL.Path)
		cw := &countingWriter{ResponseWriter: w, code: http.StatusOK}
		var body *countingBody
		if r.Body != nil && r.Body != http.NoBody {
			body = &countingBody{ReadCloser: r.Body}
			r.Body = body
		}
		h.ServeHTTP(cw, r)
		m.requests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(cw.code)).Inc()
		m.responseBytes.WithLabelValues(route).Add(float64(cw.n))
		if body != nil {
			m.requestBytes.WithLabelValues(route).Add(float64(body.n.Load()))
		}
	})
}

// routeOf names the protocol route of a path, wherever the handler is mounted.
func routeOf(path string) string {
	i := strings.LastIndex(path, "/v8/artifacts")
	if i < 0 {
		return "other"
	}
	switch rest := path[i+len("/v8/artifacts"):]; rest {
	case "", "/":
		return "query"
	case "/status":
		return "status"
	case "/events":
		return "events"
	default:
		if strings.Count(rest, "/") == 1 {
			return "artifact"
		}
		return "other"
	}
}

// methodLabel bounds the method label to the methods the protocol uses.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// countingWriter records the status code and counts the body bytes written.
// It passes io.ReaderFrom through, so that sendfile still works behind it.
type countingWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
	n           int64
}

func (w *countingWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.wroteHeader = true
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *countingWriter) ReadFrom(r io.Reader) (int64, error) {
	w.wroteHeader = true
	n, err := io.Copy(w.ResponseWriter, r)
	w.n += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// countingBody counts the bytes read from a request body.
type countingBody struct {
	io.ReadCloser
	n atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}
