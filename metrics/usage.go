package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/turbocache/turbocache/storage"
)

// UsageCollector reports what a store knows of the room it takes (see
// [storage.Usage]), read once per scrape:
//
//	turbocache_store_bytes                  bytes the artifacts take
//	turbocache_store_artifacts              artifacts stored
//	turbocache_store_max_bytes              the bound (0: none)
//	turbocache_store_evictions_total        artifacts evicted to keep within it
//	turbocache_store_skipped_entries_total  entries that are not artifacts, left alone
//
// Register it beside New's collectors for a store that implements
// [storage.UsageReporter], such as a bounded fsstore.
func UsageCollector(u storage.UsageReporter) prometheus.Collector {
	return &usageCollector{u: u}
}

var (
	usageBytes = prometheus.NewDesc("turbocache_store_bytes",
		"Bytes the stored artifacts take (for a local directory, the sizes of their files).", nil, nil)
	usageArtifacts = prometheus.NewDesc("turbocache_store_artifacts",
		"Artifacts stored.", nil, nil)
	usageMax = prometheus.NewDesc("turbocache_store_max_bytes",
		"The bound on turbocache_store_bytes; 0 when there is none.", nil, nil)
	usageEvictions = prometheus.NewDesc("turbocache_store_evictions_total",
		"Artifacts evicted, least recently used first, to keep within the bound or to make room on a full disk.", nil, nil)
	usageSkipped = prometheus.NewDesc("turbocache_store_skipped_entries_total",
		"Entries of the store's directory that are not artifacts (foreign files, unreadable directories such as lost+found), left alone.", nil, nil)
)

type usageCollector struct{ u storage.UsageReporter }

func (c *usageCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{usageBytes, usageArtifacts, usageMax, usageEvictions, usageSkipped} {
		ch <- d
	}
}

func (c *usageCollector) Collect(ch chan<- prometheus.Metric) {
	u := c.u.Usage()
	ch <- prometheus.MustNewConstMetric(usageBytes, prometheus.GaugeValue, float64(u.Bytes))
	ch <- prometheus.MustNewConstMetric(usageArtifacts, prometheus.GaugeValue, float64(u.Artifacts))
	ch <- prometheus.MustNewConstMetric(usageMax, prometheus.GaugeValue, float64(u.MaxBytes))
	ch <- prometheus.MustNewConstMetric(usageEvictions, prometheus.CounterValue, float64(u.Evictions))
	ch <- prometheus.MustNewConstMetric(usageSkipped, prometheus.CounterValue, float64(u.Skipped))
}
