package storage

import (
	"context"
	"fmt"
	"io"
)

// ExactReader returns a reader that yields what r yields, for a Store's Put
// to consume. It fails with the context's error once ctx ends, and, when size
// is not negative, with an error wrapping io.ErrUnexpectedEOF if r ends before
// size bytes, or with an error if r holds more than size bytes. A driver that
// copies from it and treats any error as a failed Put keeps the size and
// cancellation rules of [Store]. A driver's Get can return it too, around a
// backend's stream whose length the driver knows, so that a truncated or
// overlong stream fails rather than passes as the artifact.
func ExactReader(ctx context.Context, r io.Reader, size int64) io.Reader {
	return &exactReader{ctx: ctx, r: r, size: size}
}

type exactReader struct {
	ctx  context.Context
	r    io.Reader
	size int64 // -1: unknown
	n    int64 // bytes yielded so far
}

func (e *exactReader) Read(p []byte) (int, error) {
	if err := e.ctx.Err(); err != nil {
		return 0, err
	}
	if e.size < 0 {
		n, err := e.r.Read(p)
		e.n += int64(n)
		return n, err
	}
	if e.n == e.size {
		return 0, e.atEnd()
	}
	if rest := e.size - e.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := e.r.Read(p)
	e.n += int64(n)
	switch {
	case err == io.EOF && e.n < e.size:
		return n, CheckLength(e.n, e.size)
	case err == io.EOF:
		return n, nil // the next Read checks for EOF again
	}
	return n, err
}

// atEnd checks that r holds nothing past the declared size.
func (e *exactReader) atEnd() error {
	var probe [1]byte
	for range 100 {
		n, err := e.r.Read(probe[:])
		if n > 0 {
			return CheckLength(e.size+1, e.size)
		}
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// CheckLength returns the error [ExactReader] fails with for a body of n
// bytes declared as size bytes: one wrapping io.ErrUnexpectedEOF when n is
// short of size, one saying so when it is longer. It returns nil when they
// agree or size is negative (unknown). A driver that learns a body's length
// without reading it (a file's) checks it with CheckLength.
func CheckLength(n, size int64) error {
	switch {
	case size < 0 || n == size:
		return nil
	case n < size:
		return fmt.Errorf("storage: body ended after %d of %d bytes: %w", n, size, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("storage: body is longer than the declared %d bytes", size)
}
