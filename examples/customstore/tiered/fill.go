package tiered

import (
	"context"
	"errors"
	"io"

	"github.com/turbocache/turbocache/storage"
)

// errStoppedEarly fails a local copy whose reader was closed before the
// whole artifact went through it.
var errStoppedEarly = errors.New("tiered: reader closed before the end of the artifact")

// fill returns a reader over src, the remote artifact described by info, that
// hands every byte it reads to a Put of the same artifact into the local
// store.
//
// The Put runs in its own goroutine and reads from a pipe. Put is all or
// nothing, so the copy needs no cleanup of its own: if the remote read fails,
// or the caller stops early, the pipe ends with an error, the Put fails, and
// no partial copy is ever visible.
func (s *Store) fill(ctx context.Context, key string, src io.ReadCloser, info storage.Info) io.ReadCloser {
	pr, pw := io.Pipe()
	f := &filling{src: src, pw: pw, left: info.Size, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		err := s.local.Put(ctx, key, pr, info.Size, info.Metadata)
		// A Put that failed early stops reading: closing the pipe turns the
		// caller's pending and later writes into immediate errors.
		pr.CloseWithError(err)
		if err != nil {
			return
		}
		// A writer may have replaced the artifact while it was being
		// copied, and that replacement may be older than the copy.
		if now, err := s.remote.Stat(ctx, key); err != nil || !same(now, info) {
			_ = s.local.Delete(ctx, key)
		}
	}()
	return f
}

// same reports whether a and b describe the same version of an artifact.
func same(a, b storage.Info) bool {
	return a.Size == b.Size && a.Metadata == b.Metadata && a.Created.Equal(b.Created)
}

// filling is the reader fill returns.
type filling struct {
	src  io.ReadCloser
	pw   *io.PipeWriter
	left int64         // bytes of the artifact not read yet
	done chan struct{} // closed when the local Put has returned
}

func (f *filling) Read(p []byte) (int, error) {
	n, err := f.src.Read(p)
	if n > 0 {
		f.left -= int64(n)
		// A failed copy must not fail the caller's read: once the Put has
		// stopped, writes fail at once and their errors are ignored.
		_, _ = f.pw.Write(p[:n])
	}
	switch {
	case err == io.EOF:
		f.pw.Close()
	case err != nil:
		f.pw.CloseWithError(err)
	}
	return n, err
}

// Close ends the copy and waits for the local Put to return, so that a
// caller that closed the reader sees the local store settled.
func (f *filling) Close() error {
	// Callers that know the size, like io.CopyN, stop before reading EOF:
	// having read every byte is enough to complete the copy. A pipe closed
	// before keeps its first error.
	if f.left > 0 {
		f.pw.CloseWithError(errStoppedEarly)
	}
	f.pw.Close()
	<-f.done
	return f.src.Close()
}
