//go:build !linux || !(amd64 || arm64)

package hugepage

// Grow does nothing outside Linux on x86-64 and arm64, and reports false.
func Grow(n int) bool { return false }
