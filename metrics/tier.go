package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/turbocache/turbocache/storage/tiered"
)

// RegisterTier registers with reg the counters of a local tier
// (tiered.Store.Stats), read at each scrape: hits served locally, remote
// fetches and fills, uploads, and the upload queue.
func RegisterTier(reg prometheus.Registerer, s *tiered.Store) error {
	counter := func(name, help string, v func(tiered.Stats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(s.Stats())) })
	}
	gauge := func(name, help string, v func(tiered.Stats) int64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return float64(v(s.Stats())) })
	}
	for _, c := range []prometheus.Collector{
		counter("turbocache_tier_local_hits_total", "Downloads served by the local tier's disk.",
			func(st tiered.Stats) int64 { return st.LocalHits + st.QueueHits }),
		counter("turbocache_tier_remote_gets_total", "Downloads the local tier asked the remote store for.",
			func(st tiered.Stats) int64 { return st.RemoteGets }),
		counter("turbocache_tier_fills_total", "Remote artifacts copied into the local tier.",
			func(st tiered.Stats) int64 { return st.Fills }),
		counter("turbocache_tier_fill_failures_total", "Copies into the local tier that failed or were abandoned.",
			func(st tiered.Stats) int64 { return st.FillFailures }),
		counter("turbocache_tier_uploads_total", "Artifacts the local tier sent to the remote store.",
			func(st tiered.Stats) int64 { return st.Uploads }),
		counter("turbocache_tier_upload_failures_total", "Uploads to the remote store that failed (each is retried, or fails its Put).",
			func(st tiered.Stats) int64 { return st.UploadFailures }),
		gauge("turbocache_tier_queued_uploads", "Uploads waiting in the local tier's queue directory.",
			func(st tiered.Stats) int64 { return int64(st.Queued) }),
		gauge("turbocache_tier_queued_bytes", "Bytes of the uploads waiting in the queue directory.",
			func(st tiered.Stats) int64 { return st.QueuedBytes }),
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
