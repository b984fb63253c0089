//go:build unix

package miniflare

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts node and the workerd it starts in a group of their
// own, so that killProcessGroup reaches both.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killProcessGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
