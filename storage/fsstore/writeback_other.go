//go:build !linux

package fsstore

import (
	"io"
	"os"
)

// newWriteback returns the writer a Put copies through. Hiding *os.File's
// ReadFrom makes the copy use the Put's buffer. Only Linux also starts the
// disk writes early (writeback_linux.go).
func newWriteback(f *os.File) io.Writer { return struct{ io.Writer }{f} }
