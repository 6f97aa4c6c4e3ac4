package schema

import "testing"

// BenchmarkCompile is the fixed cost every process (and every worker)
// pays before its first release.
func BenchmarkCompile(b *testing.B) {
	for b.Loop() {
		if _, err := Compile(); err != nil {
			b.Fatal(err)
		}
	}
}
