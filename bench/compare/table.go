package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/turbocache/turbocache/bench/internal/load"
)

// measurements holds every Result of a comparison: for each phase (in the
// order first seen), each server's results, one per round.
type measurements struct {
	phases  []string
	byRate  map[string]bool // phase -> measured in requests per second
	results map[string]map[string][]load.Result
}

func newMeasurements() *measurements {
	return &measurements{byRate: map[string]bool{}, results: map[string]map[string][]load.Result{}}
}

// add records a server's result of one phase; perRequest says that the
// phase is judged by requests per second rather than MiB/s.
func (m *measurements) add(serverName string, r load.Result, perRequest bool) {
	if m.results[r.Name] == nil {
		m.phases = append(m.phases, r.Name)
		m.results[r.Name] = map[string][]load.Result{}
		m.byRate[r.Name] = perRequest
	}
	m.results[r.Name][serverName] = append(m.results[r.Name][serverName], r)
}

// spread is the median, minimum and maximum of some figures; n is how
// many there were.
type spread struct {
	med, lo, hi float64
	n           int
}

func spreadOf(vals []float64) spread {
	if len(vals) == 0 {
		return spread{}
	}
	s := slices.Sorted(slices.Values(vals))
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{med: med, lo: s[0], hi: s[len(s)-1], n: len(s)}
}

// format prints the spread, or "–" when there was nothing to measure.
func (s spread) format(prec int) string {
	if s.n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.*f (%.*f–%.*f)", prec, s.med, prec, s.lo, prec, s.hi)
}

// figure extracts one number per round from a server's results; f
// returns NaN for a figure the round did not measure.
func (m *measurements) figure(phase, serverName string, f func(load.Result) float64) spread {
	var vals []float64
	for _, r := range m.results[phase][serverName] {
		if v := f(r); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	return spreadOf(vals)
}

func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// write prints the comparison as Markdown tables: throughput with the
// ratios, latency, and peak RSS. Figures are medians over rounds, with the
// minimum and maximum in parentheses. names are the servers in table
// order, this project's first; ratios are computed between medians, of the
// first server to each of the others.
func (m *measurements) write(w io.Writer, names []string) {
	ours := names[0]
	ratios := ""
	for _, n := range names[1:] {
		ratios += " " + ours + "/" + n + " |"
	}
	header := func(first, second string, withRatios bool) {
		fmt.Fprintf(w, "| %s | %s | %s |", first, second, strings.Join(names, " | "))
		cols := 2 + len(names)
		if withRatios {
			fmt.Fprint(w, ratios)
			cols += len(names) - 1
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "|"+strings.Repeat(" --- |", cols))
	}
	row := func(ph, second string, f func(load.Result) float64, prec int, withRatios bool) {
		cells := make([]string, 0, 2*len(names))
		var meds []float64
		for _, n := range names {
			s := m.figure(ph, n, f)
			cells = append(cells, s.format(prec))
			meds = append(meds, s.med)
		}
		if withRatios {
			for _, med := range meds[1:] {
				cells = append(cells, ratio(meds[0], med))
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", ph, second, strings.Join(cells, " | "))
	}

	header("workload", "unit", true)
	for _, ph := range m.phases {
		unit, f := "MiB/s", load.Result.MiBps
		if m.byRate[ph] {
			unit, f = "req/s", load.Result.RPS
		}
		row(ph, unit, f, 0, true)
	}

	fmt.Fprintln(w)
	header("workload", "latency p50 / p99 (ms)", false)
	for _, ph := range m.phases {
		cells := make([]string, 0, len(names))
		for _, n := range names {
			p50 := m.figure(ph, n, func(r load.Result) float64 { return ms(r.P50) })
			p99 := m.figure(ph, n, func(r load.Result) float64 { return ms(r.P99) })
			cells = append(cells, fmt.Sprintf("%s / %s", trim(p50.med), trim(p99.med)))
		}
		fmt.Fprintf(w, "| %s | median of rounds | %s |\n", ph, strings.Join(cells, " | "))
	}

	fmt.Fprintln(w)
	header("workload", "peak RSS (MiB)", true)
	for _, ph := range m.phases {
		row(ph, "after the phase", func(r load.Result) float64 {
			if r.PeakRSS == 0 {
				return math.NaN() // not measured: the bare S3 client has no process
			}
			return float64(r.PeakRSS) / (1 << 20)
		}, 0, true)
	}

	var failures []string
	for _, ph := range m.phases {
		for _, n := range names {
			for i, r := range m.results[ph][n] {
				if r.Errors > 0 {
					failures = append(failures, fmt.Sprintf("%s, %s, round %d: %d of %d requests failed, first: %v",
						ph, n, i+1, r.Errors, r.Requests, r.FirstError))
				}
			}
		}
	}
	if len(failures) > 0 {
		fmt.Fprintf(w, "\nFailed requests (not counted in the figures):\n\n")
		for _, f := range failures {
			fmt.Fprintln(w, "- "+f)
		}
	}
}

// trim formats a latency in milliseconds with three significant digits.
func trim(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
