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

// changeTime returns a file's change time (ctime), which nothing but the
// kernel sets: a write, a rename or a change of times moves it.
func changeTime(fi fs.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Ctim.Sec, st.Ctim.Nsec)
	}
	return fi.ModTime()
}
