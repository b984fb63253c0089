package tiered

import (
	"io"
	"sync"
)

// blockSize is the size of the blocks a fill hands to the local Put, and
// pipeBlocks how many may wait: a fill holds at most
// (pipeBlocks+2) × blockSize = 2.5 MiB, and the caller's reads run ahead of
// the disk writes by up to that much instead of waiting for each one.
const (
	blockSize  = 256 << 10
	pipeBlocks = 8
)

var blocks = sync.Pool{New: func() any { return new([blockSize]byte) }}

// blockPipe carries a fill's bytes from the caller's reads to the local
// Put, as io.Pipe does, but through a few buffered blocks, so that the two
// sides run at once rather than in turns of one read. One goroutine writes,
// one reads.
type blockPipe struct {
	ch   chan block    // full blocks, closed after the last one
	stop chan struct{} // closed when the reader gives up
	once sync.Once

	// Writer's side.
	cur    *[blockSize]byte
	n      int
	werr   error // set before ch is closed: nil means io.EOF
	closed bool

	// Reader's side.
	rblk block
	roff int
	rerr error
}

// block is n bytes of a pooled buffer.
type block struct {
	buf *[blockSize]byte
	n   int
}

func newBlockPipe() *blockPipe {
	return &blockPipe{ch: make(chan block, pipeBlocks), stop: make(chan struct{})}
}

// Write copies p into blocks. It never fails: once the reader has given up,
// bytes are dropped.
func (bp *blockPipe) Write(p []byte) (int, error) {
	total := len(p)
	select {
	case <-bp.stop:
		return total, nil
	default:
	}
	for len(p) > 0 && !bp.closed {
		if bp.cur == nil {
			bp.cur = blocks.Get().(*[blockSize]byte)
		}
		c := copy(bp.cur[bp.n:], p)
		bp.n += c
		p = p[c:]
		if bp.n == blockSize {
			bp.send()
		}
	}
	return total, nil
}

// send hands the current block to the reader, unless it gave up.
func (bp *blockPipe) send() {
	blk := block{bp.cur, bp.n}
	bp.cur, bp.n = nil, 0
	select {
	case bp.ch <- blk:
	case <-bp.stop:
		blocks.Put(blk.buf)
	}
}

// CloseWithError ends the stream: the reader sees err after the bytes
// written, or io.EOF for a nil err. Only the first call counts.
func (bp *blockPipe) CloseWithError(err error) {
	if bp.closed {
		return
	}
	if err == nil && bp.n > 0 {
		bp.send()
	}
	bp.closed = true
	bp.werr = err
	close(bp.ch)
}

// Close ends the stream with io.EOF.
func (bp *blockPipe) Close() { bp.CloseWithError(nil) }

// Read yields the written bytes, then the writer's error or io.EOF.
func (bp *blockPipe) Read(p []byte) (int, error) {
	if bp.rerr != nil {
		return 0, bp.rerr
	}
	for bp.rblk.buf == nil {
		blk, ok := <-bp.ch
		if !ok {
			bp.rerr = bp.werr
			if bp.rerr == nil {
				bp.rerr = io.EOF
			}
			return 0, bp.rerr
		}
		bp.rblk, bp.roff = blk, 0
	}
	n := copy(p, bp.rblk.buf[bp.roff:bp.rblk.n])
	bp.roff += n
	if bp.roff == bp.rblk.n {
		blocks.Put(bp.rblk.buf)
		bp.rblk = block{}
	}
	return n, nil
}

// GiveUp tells the writer that the reader stopped: its blocks are dropped.
func (bp *blockPipe) GiveUp() { bp.once.Do(func() { close(bp.stop) }) }
