package metrics

import (
	"net/http"
	"strconv"

	"github.com/turbocache/turbocache/internal/reqbody"
	"github.com/turbocache/turbocache/internal/route"
	"github.com/turbocache/turbocache/respwriter"
)

// Handler returns h instrumented: requests by route, method and status code,
// and the bytes of request and response bodies by route. The route is the
// one the protocol handler (httpapi's or nxapi's) says served the request:
// "artifact", "query", "status", "events" (Turborepo's protocol),
// "nx_artifact" (Nx's /v1/cache/{hash}), or "other" when none claimed it,
// so that hashes and teams never become label values. Requests a protocol
// handler served are also counted by the CI vendor their client named
// (x-artifact-client-ci, once the handler validated it).
func (m *Metrics) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, served := route.Watch(r)
		rec := respwriter.New(w)
		var body *reqbody.Body
		if r.Body != nil && r.Body != http.NoBody {
			body = reqbody.Watch(r) // the protocol handler watches the same body
		}
		h.ServeHTTP(rec, r)
		got := served()
		if got.Route != route.Other {
			m.clientCI(got.ClientCI)
		}
		route := string(got.Route)
		m.requests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(rec.Code)).Inc()
		m.responseBytes.WithLabelValues(route).Add(float64(rec.Bytes))
		if body != nil {
			m.requestBytes.WithLabelValues(route).Add(float64(body.BytesRead()))
		}
	})
}

// methodLabel bounds the method label to the methods the protocol uses.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodOptions:
		return m
	}
	return "OTHER"
}
