package load

import (
	"math"
	"slices"
	"time"
)

// Result is what one phase of a workload measured.
type Result struct {
	// Name names the phase, such as "PUT 100 MiB".
	Name string
	// Requests is the number of requests sent, Errors the number that
	// failed (transport errors, non-2xx answers, wrong bodies).
	Requests, Errors int
	// FirstError is the first failure, if any.
	FirstError error
	// Bytes is the number of artifact bytes moved by successful requests.
	Bytes int64
	// Elapsed is the phase's wall-clock time.
	Elapsed time.Duration
	// P50 and P99 are latency percentiles of single requests.
	P50, P99 time.Duration
	// PeakRSS is the server's peak resident set size in bytes after the
	// phase, when the caller measured it; zero otherwise.
	PeakRSS int64
}

// MiBps returns the throughput in MiB per second.
func (r Result) MiBps() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Bytes) / (1 << 20) / r.Elapsed.Seconds()
}

// RPS returns the successful requests per second.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

// outcome is what one request measured.
type outcome struct {
	d    time.Duration
	size int64
	err  error
}

// summarize turns the outcomes of a phase that took elapsed into a
// Result.
func summarize(name string, outcomes []outcome, elapsed time.Duration) Result {
	res := Result{Name: name, Requests: len(outcomes), Elapsed: elapsed}
	lat := make([]time.Duration, 0, len(outcomes))
	for _, o := range outcomes {
		if o.err != nil {
			res.Errors++
			if res.FirstError == nil {
				res.FirstError = o.err
			}
			continue
		}
		lat = append(lat, o.d)
		res.Bytes += o.size
	}
	res.P50, res.P99 = Percentile(lat, 50), Percentile(lat, 99)
	return res
}

// Percentile returns the p-th percentile of d (nearest rank), or zero for
// an empty d. It does not modify d.
func Percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	rank := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(rank, 0), len(s)-1)]
}
