package compile_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rollspec/rollspec/compile"
	"github.com/rollspec/rollspec/load"
)

// benchSpec is a typical release: Istio canary with probe, config and host.
func benchSpec(i int) string {
	return fmt.Sprintf(`name: app-%d
namespace: team-%d
image: ghcr.io/example/app
ports: [{name: http, containerPort: 8080, servicePort: 80}]
replicas: 3
runAsUser: 1000
readinessProbe: {http: {path: /ready}}
config: {MODE: "fast", LEVEL: "%d"}
host: app-%d.example.com
traffic: istio
stable: {version: "v1.0.%d", tag: "1.0.%d"}
candidate: {version: "v1.1.0", tag: "1.1.0"}
strategy: {canary: {steps: [10, 50, 100], step: 1}}
`, i, i%10, i, i, i, i)
}

// BenchmarkOneRelease is one release in-process with the schema already
// compiled: load, validate, compile and render. Target: ≤ 2 ms.
func BenchmarkOneRelease(b *testing.B) {
	l := &load.Loader{}
	src := []byte(benchSpec(1))
	if _, err := compile.Bytes(l, "app.yaml", src); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := compile.Bytes(l, "app.yaml", src); err != nil {
			b.Fatal(err)
		}
	}
}

// Benchmark1000Releases compiles 1,000 spec files in one call, as
// `rollspec build DIR` does, schema compiled once per worker.
// Target: ≤ 0.3 s wall on 2 cores.
func Benchmark1000Releases(b *testing.B) {
	dir := b.TempDir()
	for i := range 1000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("app-%04d.yaml", i)), []byte(benchSpec(i)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		rs, err := compile.Paths(&load.Loader{}, []string{dir})
		if err != nil {
			b.Fatal(err)
		}
		if len(rs) != 1000 {
			b.Fatalf("compiled %d releases, want 1000", len(rs))
		}
		_ = compile.Stream(rs)
	}
}
