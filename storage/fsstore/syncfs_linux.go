package fsstore

import (
	"os"

	"golang.org/x/sys/unix"
)

// batchedSync reports whether Stores here sync in batches (syncfs(2)).
const batchedSync = true

// syncFS syncs the whole file system that f is on, in one call.
func syncFS(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.Syncfs(int(fd)) }); err != nil {
		return err
	}
	if serr != nil {
		return &os.SyscallError{Syscall: "syncfs", Err: serr}
	}
	return nil
}
