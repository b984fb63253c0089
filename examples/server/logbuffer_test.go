package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/syncbuf"
)

// countingWriter counts the writes that reach it.
type countingWriter struct {
	mu     sync.Mutex
	writes int
	buf    strings.Builder
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.buf.Write(p)
}

func (w *countingWriter) snapshot() (int, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writes, w.buf.String()
}

// TestLogBufferKeepsEveryLine: a burst of 10,000 lines from 16 goroutines
// reaches the log whole, in far fewer writes, and within the flush delay.
func TestLogBufferKeepsEveryLine(t *testing.T) {
	dst := &countingWriter{}
	b := newLogBuffer(dst)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 625 {
				fmt.Fprintf(b, "goroutine=%d line=%d\n", g, i)
			}
		})
	}
	wg.Wait()
	require.Eventually(t, func() bool {
		_, s := dst.snapshot()
		return strings.Count(s, "\n") == 10000
	}, 10*logFlushDelay, logFlushDelay/10, "lines still buffered after the flush delay")
	writes, s := dst.snapshot()
	assert.Less(t, writes, 1000, "writes for 10,000 lines")
	for g := range 16 {
		assert.Contains(t, s, fmt.Sprintf("goroutine=%d line=624\n", g))
	}
	require.NoError(t, b.Close())
	fmt.Fprintf(b, "after close\n")
	_, s = dst.snapshot()
	assert.True(t, strings.HasSuffix(s, "after close\n"), "a write after Close goes straight through")
}

// TestLogBufferFlushesAtShutdown: the server's last lines are written when
// it stops, not lost with the buffer.
func TestLogBufferFlushesAtShutdown(t *testing.T) {
	out := &syncbuf.Buffer{}
	b := newLogBuffer(out)
	fmt.Fprintf(b, "last words\n")
	require.NoError(t, b.Close())
	assert.Equal(t, "last words\n", out.String())
}
