//go:build linux

package cluster

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the child in its own process group (so Stop can signal
// everything it spawned) and asks the kernel to SIGKILL it when the thread
// that started it dies, so no component outlives a killed test binary.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
