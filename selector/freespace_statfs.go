//go:build linux || darwin || freebsd

package selector

import "syscall"

// freeSpace returns the bytes available to this user on the file system of
// dir, or of its closest existing parent.
func freeSpace(dir string) (int64, bool) {
	return freeSpaceOf(dir, func(name string) (int64, error) {
		var st syscall.Statfs_t
		if err := syscall.Statfs(name, &st); err != nil {
			return 0, err
		}
		return int64(st.Bavail) * int64(st.Bsize), nil
	})
}
