package s3store

import (
	"context"
)

// DefaultUploadMemory is the upload memory budget of a Store when
// Options.UploadMemory is 0: eight parts of DefaultPartSize.
const DefaultUploadMemory = 64 << 20

// partBuffers is a Store's upload memory budget: a fixed number of
// part-sized buffers that all its uploads share. An upload that finds none
// free waits for one, so the memory held for uploads stays within the
// budget however many run at once. A buffer is allocated the first time it
// is needed and kept for reuse: a Store that never uploads a whole part
// allocates nothing, and one that has been busy keeps up to its budget.
type partBuffers struct {
	size int64
	// free holds the allocated buffers not in use, unallocated one token
	// per buffer of the budget not allocated yet. Reusing an allocated
	// buffer comes first, so a Store allocates only as many as it has
	// needed at once.
	free        chan []byte
	unallocated chan struct{}
}

// newPartBuffers returns a budget of budget bytes in buffers of partSize
// bytes: at least one buffer, so that every upload can proceed.
func newPartBuffers(budget, partSize int64) *partBuffers {
	n := max(budget/partSize, 1)
	p := &partBuffers{size: partSize, free: make(chan []byte, n), unallocated: make(chan struct{}, n)}
	for range n {
		p.unallocated <- struct{}{}
	}
	return p
}

// get returns a buffer of the part size, waiting until one is free or ctx
// ends. Waiting uploads are served in the order they came.
func (p *partBuffers) get(ctx context.Context) ([]byte, error) {
	select {
	case b := <-p.free:
		return b, nil
	default:
	}
	select {
	case b := <-p.free:
		return b, nil
	case <-p.unallocated:
		return make([]byte, p.size), nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// put gives back a buffer that get returned.
func (p *partBuffers) put(b []byte) { p.free <- b[:cap(b)] }

// bytes is the size of the budget: the memory its buffers take once all of
// them have been used.
func (p *partBuffers) bytes() int64 { return int64(cap(p.free)) * p.size }
