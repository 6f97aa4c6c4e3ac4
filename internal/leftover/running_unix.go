//go:build unix

package leftover

import (
	"errors"
	"syscall"
)

// Running reports whether process pid exists (signal 0 tests for it).
func Running(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
