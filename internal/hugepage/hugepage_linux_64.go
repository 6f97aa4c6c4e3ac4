//go:build linux && (amd64 || arm64)

package hugepage

import (
	"os"
	"runtime"
	"strings"
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on the platforms Go's
// heap runs on under Linux (x86-64, arm64 with 4 KiB pages).
const hugePage = 2 << 20

// Grow maps n more bytes of Go heap and marks them for transparent huge
// pages; the program's next n bytes of heap growth fault in 2 MiB at a
// time. It costs one garbage collection (to free the stretch at once) and
// a few system calls, so it pays only before a large run. It does nothing
// and reports false where marking memory changes nothing: GODEBUG=
// disablethp=1 (the Go runtime's own switch), or a kernel that uses huge
// pages never or always.
func Grow(n int) bool {
	if n < 2*hugePage || !enabled() {
		return false
	}
	// A large allocation on a young heap is fresh address space: the
	// runtime maps it in one piece and, fresh memory being zero, does not
	// touch it.
	b := make([]byte, n)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (start + hugePage - 1) &^ (hugePage - 1)
	hi := (start + uintptr(n)) &^ (hugePage - 1)
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, syscall.MADV_HUGEPAGE)
	runtime.KeepAlive(b)
	b = nil
	// Free the stretch now, so that the heap grows into it rather than
	// past it while a collection is pending.
	runtime.GC()
	return errno == 0
}

// enabled reports whether marking memory for huge pages has an effect:
// the kernel backs marked memory with huge pages ("madvise"), not all of it
// already ("always") or none ("never"), and the runtime's own switch
// GODEBUG=disablethp=1 is not set.
func enabled() bool {
	for _, s := range strings.Split(os.Getenv("GODEBUG"), ",") {
		if strings.TrimSpace(s) == "disablethp=1" {
			return false
		}
	}
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && strings.Contains(string(mode), "[madvise]")
}
