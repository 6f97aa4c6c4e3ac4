//go:build unix && !linux

package cluster

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the child in its own process group so Stop can signal
// everything it spawned. (Pdeathsig exists only on Linux.)
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
