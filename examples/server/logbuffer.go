package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logFlushDelay bounds how long a log line waits in the buffer.
const logFlushDelay = 100 * time.Millisecond

// logBuffer batches log lines into few writes: a burst of requests costs
// one write(2) per 64 KiB or per logFlushDelay, not one per request. No line
// is dropped: a full buffer is written out at once, and a slow destination
// slows the writers down rather than losing lines. A line is never split
// between two writes, so that lines written to the same destination by
// others (unbuffered) cannot land inside it.
type logBuffer struct {
	mu      sync.Mutex
	w       *bufio.Writer
	pending bool // a flush is scheduled
	timer   *time.Timer
	closed  bool
}

// newLogBuffer returns a buffer in front of w. Close flushes it.
func newLogBuffer(w io.Writer) *logBuffer {
	b := &logBuffer{w: bufio.NewWriterSize(w, 64<<10)}
	b.timer = time.AfterFunc(time.Hour, b.flush)
	b.timer.Stop()
	return b
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		if err := b.w.Flush(); err != nil {
			return 0, err
		}
		n, err := b.w.Write(p)
		if err == nil {
			err = b.w.Flush()
		}
		return n, err
	}
	if len(p) > b.w.Available() && b.w.Buffered() > 0 {
		if err := b.w.Flush(); err != nil {
			return 0, err
		}
	}
	n, err := b.w.Write(p) // larger than the buffer: written at once, whole
	if !b.pending && b.w.Buffered() > 0 {
		b.pending = true
		b.timer.Reset(logFlushDelay)
	}
	return n, err
}

func (b *logBuffer) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = false
	_ = b.w.Flush() // nowhere to report a failure to write the log
}

// Close writes out what is buffered; later writes go straight through.
func (b *logBuffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.timer.Stop()
	return b.w.Flush()
}
