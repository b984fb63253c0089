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
type slot struct{ name atomic.Value }

// Watch returns r with a place for the route in its context, and a
// function that reports the route the handler set there (Other when it set
// none). Call it after the handler has returned.
func Watch(r *http.Request) (*http.Request, func() Name) {
	s := &slot{}
	r = r.WithContext(context.WithValue(r.Context(), slotKey{}, s))
	return r, func() Name {
		if n, ok := s.name.Load().(Name); ok {
			return n
		}
		return Other
	}
}

// Set records that route n serves r. It does nothing when nothing
// watches r.
func Set(r *http.Request, n Name) {
	if s, ok := r.Context().Value(slotKey{}).(*slot); ok {
		s.name.Store(n)
	}
}
