// Package heappeak measures how far the heap grows while a function runs:
// the check behind every "memory does not grow with the artifact" test.
package heappeak

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Measure runs fn and returns the largest growth of the heap's live objects
// over their size before fn, sampled every millisecond. It lowers the GC
// percentage while fn runs so that garbage does not hide what is live, and
// counts every goroutine's allocations, in-process test servers included.
func Measure(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var (
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return max(peak, base) - base
}
