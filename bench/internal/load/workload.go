package load

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Sizes scales the workloads. The zero value is not useful; start from
// DefaultSizes.
type Sizes struct {
	// Large is the size of the large artifacts (100 MiB).
	Large int
	// LargeRounds is the number of PUT-then-GET rounds of one large
	// artifact (3).
	LargeRounds int
	// Parallel is the number of large artifacts moved at once (4).
	Parallel int
	// Small is the size of the small artifacts (10 KiB).
	Small int
	// SmallGets is the number of GETs of one small artifact (2,000).
	SmallGets int
	// SmallPuts is the number of PUTs of distinct small artifacts (500).
	SmallPuts int
	// Conns is the number of connections the small workloads use (16).
	Conns int
}

// DefaultSizes are the workloads of the published comparison.
var DefaultSizes = Sizes{
	Large: 100 << 20, LargeRounds: 3, Parallel: 4,
	Small: 10 << 10, SmallGets: 2000, SmallPuts: 500, Conns: 16,
}

// A Workload is a sequence of phases run against one server. The caller
// may restart the server before each Workload, and measures its memory
// after each phase through the probe passed to Run.
type Workload struct {
	// Name identifies the workload on the command line ("large",
	// "parallel", "small-get", "small-put").
	Name string
	// Run runs the workload's phases against c and returns one Result per
	// phase. After each phase it calls probe, when not nil, and stores
	// what it returns as the Result's PeakRSS.
	Run func(ctx context.Context, c *Client, probe func() int64) ([]Result, error)
}

// Workloads returns the benchmark's workloads, scaled by s. Their data is
// generated once, here.
func Workloads(s Sizes) []Workload {
	large := newCorpus(s.Large, 4096, max(s.LargeRounds, s.Parallel))
	small := newCorpus(s.Small, 64, s.SmallPuts+1)
	// The download buffers are shared by every run of the workloads, and
	// touched now: page faults on fresh memory would otherwise be timed.
	largeBufs := touchedBuffers(max(s.Parallel, 1), s.Large)
	smallBufs := touchedBuffers(s.Conns, s.Small)
	mib := s.Large >> 20
	return []Workload{
		{Name: "large", Run: func(ctx context.Context, c *Client, probe func() int64) ([]Result, error) {
			put := newRecorder(fmt.Sprintf("PUT %d MiB", mib), s.LargeRounds)
			get := newRecorder(fmt.Sprintf("GET %d MiB", mib), s.LargeRounds)
			var putTime, getTime time.Duration
			buf := largeBufs[0]
			for i, hash := range hashes(s.LargeRounds) {
				body, sum := large.artifact(i, s.Large)
				d, err := c.Put(ctx, hash, body)
				put.add(d, int64(len(body)), err)
				putTime += d
				d, err = c.Get(ctx, hash, buf, sum)
				get.add(d, int64(len(body)), err)
				getTime += d
			}
			// Rounds alternate, so each phase's time is the sum of its
			// requests, not the wall clock.
			pr, gr := put.result(), get.result()
			pr.Elapsed, gr.Elapsed = putTime, getTime
			pr.PeakRSS = call(probe)
			gr.PeakRSS = pr.PeakRSS
			return []Result{pr, gr}, ctx.Err()
		}},
		{Name: "parallel", Run: func(ctx context.Context, c *Client, probe func() int64) ([]Result, error) {
			keys := hashes(s.Parallel)
			put := newRecorder(fmt.Sprintf("%d× PUT %d MiB", s.Parallel, mib), s.Parallel)
			parallel(s.Parallel, s.Parallel, put, func(i int) (time.Duration, int64, error) {
				body, _ := large.artifact(i, s.Large)
				d, err := c.Put(ctx, keys[i], body)
				return d, int64(len(body)), err
			})
			pr := put.result()
			pr.PeakRSS = call(probe)
			get := newRecorder(fmt.Sprintf("%d× GET %d MiB", s.Parallel, mib), s.Parallel)
			parallel(s.Parallel, s.Parallel, get, func(i int) (time.Duration, int64, error) {
				_, sum := large.artifact(i, s.Large)
				d, err := c.Get(ctx, keys[i], largeBufs[i], sum)
				return d, int64(s.Large), err
			})
			gr := get.result()
			gr.PeakRSS = call(probe)
			return []Result{pr, gr}, ctx.Err()
		}},
		{Name: "small-get", Run: func(ctx context.Context, c *Client, probe func() int64) ([]Result, error) {
			hash := hashes(1)[0]
			body, sum := small.artifact(0, s.Small)
			if _, err := c.Put(ctx, hash, body); err != nil {
				return nil, fmt.Errorf("preparing the small GETs: %w", err)
			}
			get := newRecorder(fmt.Sprintf("%d× GET %d KiB", s.SmallGets, s.Small>>10), s.SmallGets)
			parallelWorkers(s.SmallGets, s.Conns, get, func(worker, _ int) (time.Duration, int64, error) {
				d, err := c.Get(ctx, hash, smallBufs[worker], sum)
				return d, int64(s.Small), err
			})
			r := get.result()
			r.PeakRSS = call(probe)
			return []Result{r}, ctx.Err()
		}},
		{Name: "small-put", Run: func(ctx context.Context, c *Client, probe func() int64) ([]Result, error) {
			keys := hashes(s.SmallPuts)
			put := newRecorder(fmt.Sprintf("%d× PUT %d KiB", s.SmallPuts, s.Small>>10), s.SmallPuts)
			parallel(s.SmallPuts, s.Conns, put, func(i int) (time.Duration, int64, error) {
				body, _ := small.artifact(i+1, s.Small)
				d, err := c.Put(ctx, keys[i], body)
				return d, int64(len(body)), err
			})
			r := put.result()
			r.PeakRSS = call(probe)
			return []Result{r}, ctx.Err()
		}},
	}
}

// touchedBuffers returns n buffers of size bytes whose pages are mapped.
func touchedBuffers(n, size int) [][]byte {
	bufs := make([][]byte, n)
	for i := range bufs {
		bufs[i] = make([]byte, size)
		for j := 0; j < size; j += 4096 {
			bufs[i][j] = 1
		}
	}
	return bufs
}

func call(probe func() int64) int64 {
	if probe == nil {
		return 0
	}
	return probe()
}

// parallel runs do(i) for i in [0, n) on workers goroutines and records the
// outcomes in rec.
func parallel(n, workers int, rec *recorder, do func(i int) (time.Duration, int64, error)) {
	parallelWorkers(n, workers, rec, func(_, i int) (time.Duration, int64, error) { return do(i) })
}

// parallelWorkers is parallel with the worker's number passed to do, for
// workers that own a buffer.
func parallelWorkers(n, workers int, rec *recorder, do func(worker, i int) (time.Duration, int64, error)) {
	var (
		next atomic.Int64
		mu   sync.Mutex
		wg   sync.WaitGroup
	)
	for w := range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				d, size, err := do(w, i)
				mu.Lock()
				rec.add(d, size, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
