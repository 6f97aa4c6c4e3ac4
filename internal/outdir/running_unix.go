//go:build unix

package outdir

import (
	"errors"
	"syscall"
)

// running reports whether process pid exists (signal 0 tests for it).
func running(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
