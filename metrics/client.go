package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// maxCIVendors bounds the distinct values of the ci label: the header is
// the client's to choose, and a label value per request would grow the
// metrics without end. Vendors past the first maxCIVendors count as
// "other".
const maxCIVendors = 32

// ciRequests counts requests by the CI vendor the client named in
// x-artifact-client-ci (validated by httpapi): "none" when it named none.
type ciRequests struct {
	counter *prometheus.CounterVec // ci
	mu      sync.Mutex
	seen    map[string]bool
}

func newCIRequests() *ciRequests {
	return &ciRequests{
		counter: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turbocache_http_client_ci_requests_total",
			Help: "Requests a protocol handler served, by the CI vendor the client said it runs on (x-artifact-client-ci): none when it named none, other past the first 32 vendors.",
		}, []string{"ci"}),
		seen: map[string]bool{},
	}
}

// clientCI counts one request from a client on CI vendor ci.
func (m *Metrics) clientCI(ci string) {
	c := m.ciRequests
	switch {
	case ci == "":
		ci = "none"
	case ci == "none" || ci == "other":
		// The client's word, not ours: keep the two reserved values apart.
		ci = "other"
	default:
		c.mu.Lock()
		if !c.seen[ci] {
			if len(c.seen) >= maxCIVendors {
				ci = "other"
			} else {
				c.seen[ci] = true
			}
		}
		c.mu.Unlock()
	}
	c.counter.WithLabelValues(ci).Inc()
}
