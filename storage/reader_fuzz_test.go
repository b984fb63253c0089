package storage_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/turbocache/turbocache/storage"
)

// chunkReader yields data a few bytes at a time, as a network body does.
type chunkReader struct {
	data  []byte
	chunk int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.chunk, len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// FuzzExactReader checks ExactReader's promise for any body, declared size
// and read pattern: it yields the whole body without error exactly when the
// size is unknown or right, never yields more than the declared size, and
// reports a short body as io.ErrUnexpectedEOF.
func FuzzExactReader(f *testing.F) {
	f.Add([]byte("hello"), int64(5), uint8(1), false)
	f.Add([]byte("hello"), int64(4), uint8(3), false)
	f.Add([]byte("hello"), int64(6), uint8(64), true)
	f.Add([]byte{}, int64(0), uint8(1), false)
	f.Add([]byte{}, int64(-1), uint8(1), false)
	f.Add([]byte("x"), int64(-1), uint8(0), true)
	f.Fuzz(func(t *testing.T, data []byte, size int64, chunk uint8, oneByte bool) {
		if size < -1 {
			size = -1
		}
		var r io.Reader = &chunkReader{data: data, chunk: int(chunk) + 1}
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		got, err := io.ReadAll(storage.ExactReader(context.Background(), r, size))
		want := int64(len(data))
		switch {
		case size >= 0 && int64(len(got)) > size:
			t.Fatalf("size %d: yielded %d bytes", size, len(got))
		case size < 0 || size == want:
			if err != nil || string(got) != string(data) {
				t.Fatalf("size %d of %d bytes: got %d bytes, err %v", size, want, len(got), err)
			}
		case size > want:
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("size %d of %d bytes: err %v, want io.ErrUnexpectedEOF", size, want, err)
			}
		default:
			if err == nil {
				t.Fatalf("size %d of %d bytes: no error", size, want)
			}
		}
	})
}

// FuzzExactReaderCancel checks that a cancelled context stops the reader at
// once, whatever the body.
func FuzzExactReaderCancel(f *testing.F) {
	f.Add([]byte("hello"), int64(5))
	f.Add([]byte{}, int64(-1))
	f.Fuzz(func(t *testing.T, data []byte, size int64) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		got, err := io.ReadAll(storage.ExactReader(ctx, &chunkReader{data: data, chunk: 7}, size))
		if len(got) != 0 || !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled: got %d bytes, err %v", len(got), err)
		}
	})
}
