package metrics

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/turbocache/turbocache/internal/respwriter"
)

// Handler returns h instrumented: requests by route, method and status code,
// and the bytes of request and response bodies by route. The route is one of
// "artifact", "query", "status", "events" (Turborepo's protocol),
// "nx_artifact" (Nx's /v1/cache/{hash}) and "other", so that hashes and
// teams never become label values.
func (m *Metrics) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := routeOf(r.URL.Path)
		rec := respwriter.New(w)
		var body *countingBody
		if r.Body != nil && r.Body != http.NoBody {
			body = &countingBody{ReadCloser: r.Body}
			r.Body = body
		}
		h.ServeHTTP(rec, r)
		m.requests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(rec.Code)).Inc()
		m.responseBytes.WithLabelValues(route).Add(float64(rec.Bytes))
		if body != nil {
			m.requestBytes.WithLabelValues(route).Add(float64(body.n.Load()))
		}
	})
}

// routeOf names the protocol route of a path, wherever the handler is mounted.
func routeOf(path string) string {
	if i := strings.LastIndex(path, "/v1/cache/"); i >= 0 && !strings.Contains(path[i+len("/v1/cache/"):], "/") {
		return "nx_artifact"
	}
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
