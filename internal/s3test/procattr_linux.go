package s3test

import "syscall"

// childAttr makes a server die with the test binary that started it, even
// when the test binary is killed before its cleanups run.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
