//go:build !(linux || darwin || freebsd)

package selector

// freeSpace reports that the free space is not known here.
func freeSpace(string) (int64, bool) { return 0, false }
