//go:build !unix

package cluster

import (
	"os"
	"os/exec"
)

func setProcAttr(cmd *exec.Cmd) {}

func terminate(cmd *exec.Cmd) error { return cmd.Process.Signal(os.Interrupt) }

func kill(cmd *exec.Cmd) error { return cmd.Process.Kill() }

func groupAlive(pgid int) bool { return false }
