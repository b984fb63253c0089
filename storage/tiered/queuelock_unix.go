//go:build unix

package tiered

import (
	"fmt"
	"os"
	"syscall"
)

// lockQueue takes an exclusive lock (flock) on a file beside the queue
// directory, held until Close or the process's death, so that a second
// Store on the same directory, in this process or another, fails at New
// instead of uploading and removing the first one's artifacts.
func lockQueue(dir string) (*os.File, error) {
	f, err := os.OpenFile(dir+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("tiered: locking the queue directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if err == syscall.EWOULDBLOCK {
			return nil, fmt.Errorf("tiered: queue directory %q is in use by another Store (%s.lock is locked)", dir, dir)
		}
		return nil, fmt.Errorf("tiered: locking the queue directory: %w", err)
	}
	return f, nil
}
