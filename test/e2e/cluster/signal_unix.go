//go:build unix

package cluster

import (
	"errors"
	"os/exec"
	"syscall"
)

// terminate sends SIGTERM to the process group of cmd.
func terminate(cmd *exec.Cmd) error { return signalGroup(cmd, syscall.SIGTERM) }

// kill sends SIGKILL to the process group of cmd.
func kill(cmd *exec.Cmd) error { return signalGroup(cmd, syscall.SIGKILL) }

func signalGroup(cmd *exec.Cmd, sig syscall.Signal) error {
	err := syscall.Kill(-cmd.Process.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// groupAlive reports whether any process of the process group pgid exists.
func groupAlive(pgid int) bool {
	return syscall.Kill(-pgid, 0) == nil
}
