package kvstore

import "io"

// chunker cuts a stream into chunks of partSize bytes (the last one may be
// shorter), reusing one buffer, and tells which chunk is the last.
type chunker struct {
	r        io.Reader
	partSize int
	buf      []byte
	pending  []byte // a byte read past the previous chunk, to learn it was not the last
	probe    [1]byte
	eof      bool
}

// newChunker reads r. size, when not negative, is the stream's announced
// length, used to size the buffer exactly.
func newChunker(r io.Reader, partSize int, size int64) *chunker {
	c := &chunker{r: r, partSize: partSize}
	if size >= 0 {
		c.buf = make([]byte, 0, min(size, int64(partSize)))
	}
	return c
}

// next returns the next chunk, valid until the following call, and whether
// it is the last. The stream's errors, io.EOF excepted, are returned.
func (c *chunker) next() ([]byte, bool, error) {
	c.buf = append(c.buf[:0], c.pending...)
	c.pending = nil
	for !c.eof && len(c.buf) < c.partSize {
		if len(c.buf) == cap(c.buf) {
			grown := make([]byte, len(c.buf), min(max(2*cap(c.buf), 64<<10), c.partSize))
			copy(grown, c.buf)
			c.buf = grown
		}
		n, err := c.r.Read(c.buf[len(c.buf):cap(c.buf)])
		c.buf = c.buf[:len(c.buf)+n]
		switch {
		case err == io.EOF:
			c.eof = true
		case err != nil:
			return nil, false, err
		}
	}
	for !c.eof && c.pending == nil {
		n, err := c.r.Read(c.probe[:])
		if n > 0 {
			c.pending = c.probe[:1]
		}
		switch {
		case err == io.EOF:
			c.eof = true
		case err != nil:
			return nil, false, err
		}
	}
	return c.buf, c.eof && c.pending == nil, nil
}
