package fsstore

import (
	"io"
	"os"
	"syscall"
)

// writebackChunk is how many bytes a Put writes before it asks the kernel
// to start writing them to disk.
const writebackChunk = 8 << 20

// writeback is an io.Writer over an artifact's temporary file that starts
// the disk writes of each chunk as soon as it is written, with
// sync_file_range(2), so that the disk works while the rest of the upload
// arrives and the final fsync has little left to wait for.
type writeback struct {
	f       *os.File
	written int64
	started int64
}

// newWriteback returns the writer a Put copies through.
func newWriteback(f *os.File) io.Writer { return &writeback{f: f} }

func (w *writeback) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.written += int64(n)
	if err == nil && w.written-w.started >= writebackChunk {
		off, size := w.started, w.written-w.started
		w.started = w.written
		if rc, cerr := w.f.SyscallConn(); cerr == nil {
			_ = rc.Control(func(fd uintptr) {
				// Advisory: a failure here changes nothing the final fsync
				// does not check.
				_ = syscall.SyncFileRange(int(fd), off, size, 2 /* SYNC_FILE_RANGE_WRITE */)
			})
		}
	}
	return n, err
}
