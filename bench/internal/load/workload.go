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

// A Transport moves artifacts to and from one server: a Client over the
// remote-cache protocol, or anything else measured the same way (a bare
// S3 client, for the floor of the S3 benchmarks).
type Transport interface {
	// Put uploads body under hash and reports how long it took.
	Put(ctx context.Context, hash string, body []byte) (time.Duration, error)
	// Get downloads the artifact under hash into buf, which is exactly as
	// long as the artifact, and reports how long it took.
	Get(ctx context.Context, hash string, buf []byte) (time.Duration, error)
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
	Run func(ctx context.Context, c Transport, probe func() int64) ([]Result, error)
}

// Workloads returns the benchmark's workloads, scaled by s. Their data is
// generated once, here.
func Workloads(s Sizes) []Workload {
	large := newCorpus(s.Large, 4096, max(s.LargeRounds, s.Parallel))
	small := newCorpus(s.Small, 64, s.SmallPuts+1)
	// The download buffers are shared by every run of the workloads, and
	// touched now: page faults on fresh memory would otherwise be timed.
	largeBufs := touchedBuffers(max(s.Parallel, 1), s.Large)
	smallBufs := touchedBuffers(s.SmallGets, s.Small) // one per GET, checked at the end
	mib := s.Large >> 20
	return []Workload{
		{Name: "large", Run: func(ctx context.Context, c Transport, probe func() int64) ([]Result, error) {
			keys := hashes(s.LargeRounds)
			puts := make([]outcome, s.LargeRounds)
			gets := make([]outcome, s.LargeRounds)
			var putTime, getTime time.Duration
			for i, hash := range keys {
				body, sum := large.artifact(i, s.Large)
				d, err := c.Put(ctx, hash, body)
				puts[i] = outcome{d, int64(len(body)), err}
				putTime += d
				d, err = c.Get(ctx, hash, largeBufs[0])
				getTime += d
				if err == nil {
					err = Verify(hash, largeBufs[0], sum) // between the timed requests
				}
				gets[i] = outcome{d, int64(len(body)), err}
			}
			// Rounds alternate, so each phase's time is the sum of its
			// requests, not the wall clock.
			pr := summarize(fmt.Sprintf("PUT %d MiB", mib), puts, putTime)
			gr := summarize(fmt.Sprintf("GET %d MiB", mib), gets, getTime)
			pr.PeakRSS = call(probe)
			gr.PeakRSS = pr.PeakRSS
			return []Result{pr, gr}, ctx.Err()
		}},
		{Name: "parallel", Run: func(ctx context.Context, c Transport, probe func() int64) ([]Result, error) {
			keys := hashes(s.Parallel)
			pr := phase(fmt.Sprintf("%d× PUT %d MiB", s.Parallel, mib), s.Parallel, s.Parallel,
				func(i int) outcome {
					body, _ := large.artifact(i, s.Large)
					d, err := c.Put(ctx, keys[i], body)
					return outcome{d, int64(len(body)), err}
				}, nil)
			pr.PeakRSS = call(probe)
			gr := phase(fmt.Sprintf("%d× GET %d MiB", s.Parallel, mib), s.Parallel, s.Parallel,
				func(i int) outcome {
					d, err := c.Get(ctx, keys[i], largeBufs[i])
					return outcome{d, int64(s.Large), err}
				},
				func(i int) error {
					_, sum := large.artifact(i, s.Large)
					return Verify(keys[i], largeBufs[i], sum)
				})
			gr.PeakRSS = call(probe)
			return []Result{pr, gr}, ctx.Err()
		}},
		{Name: "small-get", Run: func(ctx context.Context, c Transport, probe func() int64) ([]Result, error) {
			hash := hashes(1)[0]
			body, sum := small.artifact(0, s.Small)
			if _, err := c.Put(ctx, hash, body); err != nil {
				return nil, fmt.Errorf("preparing the small GETs: %w", err)
			}
			r := phase(fmt.Sprintf("%d× GET %d KiB", s.SmallGets, s.Small>>10), s.SmallGets, s.Conns,
				func(i int) outcome {
					d, err := c.Get(ctx, hash, smallBufs[i])
					return outcome{d, int64(s.Small), err}
				},
				func(i int) error { return Verify(hash, smallBufs[i], sum) })
			r.PeakRSS = call(probe)
			return []Result{r}, ctx.Err()
		}},
		{Name: "small-put", Run: func(ctx context.Context, c Transport, probe func() int64) ([]Result, error) {
			keys := hashes(s.SmallPuts)
			r := phase(fmt.Sprintf("%d× PUT %d KiB", s.SmallPuts, s.Small>>10), s.SmallPuts, s.Conns,
				func(i int) outcome {
					body, _ := small.artifact(i+1, s.Small)
					d, err := c.Put(ctx, keys[i], body)
					return outcome{d, int64(len(body)), err}
				}, nil)
			r.PeakRSS = call(probe)
			return []Result{r}, ctx.Err()
		}},
	}
}

// phase runs do(i) for i in [0, n) on workers goroutines, stops the
// clock, then calls check(i), when not nil, for every request that
// succeeded, and returns the phase's Result.
func phase(name string, n, workers int, do func(i int) outcome, check func(i int) error) Result {
	outcomes := make([]outcome, n)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	start := time.Now()
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				outcomes[i] = do(i)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if check != nil {
		for i := range outcomes {
			if outcomes[i].err == nil {
				outcomes[i].err = check(i)
			}
		}
	}
	return summarize(name, outcomes, elapsed)
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
