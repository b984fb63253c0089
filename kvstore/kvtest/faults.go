package kvtest

import (
	"strconv"
	"strings"
	"time"
)

// Fault makes the server misbehave on matching requests. Empty match
// fields match everything.
type Fault struct {
	// Method matches the request method ("GET", "PUT", ...).
	Method string
	// Route matches the route: "values", "metadata", "keys" or "bulk/delete".
	Route string
	// KeyPrefix matches requests whose key starts with it.
	KeyPrefix string

	// Status, if not zero, is answered with an error envelope instead of
	// serving the request.
	Status int
	// RetryAfter, if not zero, is sent as the Retry-After header (whole
	// seconds, rounded up) with Status.
	RetryAfter time.Duration
	// Delay holds the answer back this long, or until the client gives up.
	Delay time.Duration
	// Times is how many matching requests the fault hits; zero means all.
	Times int
}

// Inject adds f. Of the faults that match a request, the first added that
// has hits left applies.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// fault returns the fault to apply to a request, using one of its hits.
func (s *Server) fault(method, route, key string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Method != "" && f.Method != method || f.Route != "" && f.Route != route ||
			f.KeyPrefix != "" && !strings.HasPrefix(key, f.KeyPrefix) {
			continue
		}
		hit := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &hit
	}
	return nil
}

func retryAfterSeconds(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}
