// Package route lets a protocol handler say which of its routes served a
// request, and a wrapper around it (metrics) read the answer, so that
// there is one routing table, the handler's, and a route added to it is
// never counted under another name.
package route

import (
	"context"
	"net/http"
	"sync/atomic"
)

// Name is a route's name: a bounded label value, never a hash or a team.
type Name string

// The routes of Turborepo's protocol (httpapi) and Nx's (nxapi), and Other
// for whatever no protocol handler claimed.
const (
	Artifact   Name = "artifact"    // /v8/artifacts/{hash}
	Query      Name = "query"       // POST /v8/artifacts
	Status     Name = "status"      // /v8/artifacts/status
	Events     Name = "events"      // /v8/artifacts/events
	NxArtifact Name = "nx_artifact" // /v1/cache/{hash}
	Other      Name = "other"
)

type slotKey struct{}

// slot is where a handler writes its route. Atomic: a handler may run on
// another goroutine than its wrapper's (http.TimeoutHandler).
type slot struct {
	name atomic.Value // Name
	ci   atomic.Value // string
}

// Served is what a handler said about the request it served.
type Served struct {
	// Route is the route that served it, Other when the handler named
	// none.
	Route Name
	// ClientCI is the CI vendor the client said it runs on, once the
	// handler validated it; empty when it named none.
	ClientCI string
}

// Watch returns r with a place for what the handler says in its context,
// and a function that reports it. Call that after the handler returned.
func Watch(r *http.Request) (*http.Request, func() Served) {
	s := &slot{}
	r = r.WithContext(context.WithValue(r.Context(), slotKey{}, s))
	return r, func() Served {
		served := Served{Route: Other}
		if n, ok := s.name.Load().(Name); ok {
			served.Route = n
		}
		served.ClientCI, _ = s.ci.Load().(string)
		return served
	}
}

// Set records that route n serves r. It does nothing when nothing
// watches r.
func Set(r *http.Request, n Name) {
	if s, ok := r.Context().Value(slotKey{}).(*slot); ok {
		s.name.Store(n)
	}
}

// SetClientCI records the CI vendor a valid request says its client runs
// on. It does nothing when nothing watches r.
func SetClientCI(r *http.Request, ci string) {
	if s, ok := r.Context().Value(slotKey{}).(*slot); ok {
		s.ci.Store(ci)
	}
}
