package fsstore

import (
	"io/fs"
	"syscall"
	"time"
)

// accessTime returns a file's access time, which a bounded Store sets to
// an artifact's last use.
func accessTime(fi fs.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Atim.Sec, st.Atim.Nsec)
	}
	return fi.ModTime()
}
