// Package metrics instruments a remote cache with Prometheus metrics, as
// wrappers: [Metrics.Store] around any storage.Store, [Metrics.Handler]
// around the protocol handlers (httpapi's and nxapi's), [Metrics.Events] as
// httpapi's OnEvents hook, [Metrics.NxLookup] as nxapi's OnLookup hook, and
// [Metrics.Sweep] for expiry runs. Drivers and the handler know nothing
// of it.
//
// Every metric is named turbocache_*. A miss is an expected outcome, not an
// error: it is counted in turbocache_lookups_total, never in
// turbocache_store_errors_total.
package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/nxapi"
)

// Metrics holds the collectors of one cache server.
type Metrics struct {
	requests      *prometheus.CounterVec   // route, method, code
	requestBytes  *prometheus.CounterVec   // route
	responseBytes *prometheus.CounterVec   // route
	lookups       *prometheus.CounterVec   // result: hit, miss
	storeLatency  *prometheus.HistogramVec // op
	storeErrors   *prometheus.CounterVec   // op
	clientEvents  *prometheus.CounterVec   // source, event
	sweeps        *prometheus.CounterVec   // result: ok, error
	sweepRemoved  prometheus.Counter
	sweepLast     prometheus.Gauge

	// Nx's protocol (nxapi).
	nxLookups *prometheus.CounterVec // result: hit, miss, error

	ciRequests *ciRequests // Turborepo clients by CI vendor
}

// New creates the collectors and registers them with reg.
func New(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turbocache_http_requests_total",
			Help: "HTTP requests answered, by route, method and status code.",
		}, []string{"route", "method", "code"}),
		requestBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turbocache_http_request_body_bytes_total",
			Help: "Bytes of request bodies read (artifacts uploaded, queries, events), by route.",
		}, []string{"route"}),
		responseBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turbocache_http_response_body_bytes_total",
			Help: "Bytes of response bodies written (artifacts downloaded, answers), by route.",
		}, []string{"route"}),
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turbocache_lookups_total",
			Help: "Artifact downloads from the store, by result: hit or miss.",
		}, []string{"result"}),
		storeLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "turbocache_store_operation_duration_seconds",
			Help:    "Time the store took per operation (get, stat, put, create, delete, list), until the call returned.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 4, 10),
		}, []string{"op"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turbocache_store_errors_total",
			Help: "Store operations that failed, by operation. Misses are not failures.",
		}, []string{"op"}),
		clientEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turbocache_client_cache_events_total",
			Help: "Cache events turbo reported after its runs, by source (LOCAL, REMOTE) and event (HIT, MISS).",
		}, []string{"source", "event"}),
		sweeps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turbocache_sweeps_total",
			Help: "Expiry sweeps run, by result: ok or error.",
		}, []string{"result"}),
		sweepRemoved: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "turbocache_sweep_removed_artifacts_total",
			Help: "Artifacts removed by expiry sweeps.",
		}),
		sweepLast: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "turbocache_sweep_last_success_timestamp_seconds",
			Help: "When the last sweep that succeeded ended, in seconds since the Unix epoch.",
		}),
		nxLookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turbocache_nx_lookups_total",
			Help: "Downloads of Nx records, by result: hit, miss, or error (the store failed).",
		}, []string{"result"}),
		ciRequests: newCIRequests(),
	}
	for _, c := range []prometheus.Collector{
		m.requests, m.requestBytes, m.responseBytes, m.lookups, m.storeLatency,
		m.storeErrors, m.clientEvents, m.sweeps, m.sweepRemoved, m.sweepLast,
		m.nxLookups, m.ciRequests.counter,
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	// Show the label values that matter at zero before the first event.
	for _, result := range []string{"hit", "miss"} {
		m.lookups.WithLabelValues(result)
	}
	for _, result := range []nxapi.Lookup{nxapi.LookupHit, nxapi.LookupMiss, nxapi.LookupFailed} {
		m.nxLookups.WithLabelValues(string(result))
	}
	for _, source := range []string{"LOCAL", "REMOTE"} {
		for _, event := range []string{"HIT", "MISS"} {
			m.clientEvents.WithLabelValues(source, event)
		}
	}
	return m, nil
}

// Events counts the cache events turbo reports. Its signature is that of
// httpapi.Options.OnEvents.
func (m *Metrics) Events(_ context.Context, _ string, events []httpapi.Event) {
	for _, e := range events {
		m.clientEvents.WithLabelValues(e.Source, e.Event).Inc()
	}
}

// Sweep records the outcome of one storage.Sweep that ended at end.
func (m *Metrics) Sweep(removed int, err error, end time.Time) {
	m.sweepRemoved.Add(float64(removed))
	if err != nil {
		m.sweeps.WithLabelValues("error").Inc()
		return
	}
	m.sweeps.WithLabelValues("ok").Inc()
	m.sweepLast.Set(float64(end.UnixNano()) / 1e9)
}
