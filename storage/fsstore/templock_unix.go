//go:build unix

package fsstore

import (
	"os"
	"syscall"
)

// lockTemp marks a temporary file as being written, with an exclusive flock
// that lasts until the file is closed or its process dies. It is best
// effort: on a file system without flock, Open may remove the file of a
// Put in progress, whose rename then fails; nothing partial is served.
func lockTemp(f *os.File) {
	if rc, err := f.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) {
			_ = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
		})
	}
}

// tempInUse reports whether a Put, of this process or another, is still
// writing the temporary file name.
func (s *Store) tempInUse(name string) bool {
	f, err := s.root.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return false
	}
	defer f.Close() // releases the lock taken here, if any
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	locked := false
	_ = rc.Control(func(fd uintptr) {
		locked = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB) == syscall.EWOULDBLOCK
	})
	return locked
}
