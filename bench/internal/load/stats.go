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

// recorder collects the outcome of the requests of one phase.
type recorder struct {
	name      string
	lat       []time.Duration
	errors    int
	firstErr  error
	bytes     int64
	requests  int
	startedAt time.Time
}

func newRecorder(name string, n int) *recorder {
	return &recorder{name: name, lat: make([]time.Duration, 0, n), startedAt: time.Now()}
}

// add records one request. It is not safe for concurrent use.
func (r *recorder) add(d time.Duration, size int64, err error) {
	r.requests++
	if err != nil {
		r.errors++
		if r.firstErr == nil {
			r.firstErr = err
		}
		return
	}
	r.lat = append(r.lat, d)
	r.bytes += size
}

// result closes the phase.
func (r *recorder) result() Result {
	res := Result{
		Name:       r.name,
		Requests:   r.requests,
		Errors:     r.errors,
		FirstError: r.firstErr,
		Bytes:      r.bytes,
		Elapsed:    time.Since(r.startedAt),
	}
	res.P50, res.P99 = Percentile(r.lat, 50), Percentile(r.lat, 99)
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
