//go:build !unix

package gitrev

import (
	"os"
	"os/exec"
)

// ownGroup does nothing: without process groups, p alone is killed.
func ownGroup(cmd *exec.Cmd) {}

// killGroup kills p.
func killGroup(p *os.Process) error { return p.Kill() }
