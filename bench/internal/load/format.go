package load

import (
	"fmt"
	"time"
)

// String formats the Result on one line: throughput, requests per second,
// latency percentiles, peak RSS when measured, and errors.
func (r Result) String() string {
	s := fmt.Sprintf("%-20s %9.1f MiB/s %9.1f req/s  p50 %9s  p99 %9s", r.Name, r.MiBps(), r.RPS(),
		Round(r.P50), Round(r.P99))
	if r.PeakRSS > 0 {
		s += fmt.Sprintf("  peak RSS %6.1f MiB", float64(r.PeakRSS)/(1<<20))
	}
	s += fmt.Sprintf("  errors %d/%d", r.Errors, r.Requests)
	if r.FirstError != nil {
		s += fmt.Sprintf(" (first: %v)", r.FirstError)
	}
	return s
}

// Round rounds d to three significant digits, for display.
func Round(d time.Duration) time.Duration {
	for unit := time.Duration(1); unit < time.Hour; unit *= 10 {
		if d < 1000*unit {
			return d.Round(unit)
		}
	}
	return d.Round(time.Second)
}
