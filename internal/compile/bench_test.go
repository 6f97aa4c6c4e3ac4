package compile_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
)

// benchSpecFile is a typical release (Istio canary with probe, config and
// host) as a fmt format: %[1]d is the release's number, %[2]d its team.
// The whole-process benchmarks in cmd/rollspec use it too.
const benchSpecFile = "testdata/bench-release.yaml"

// benchSpecs returns n specs from benchSpecFile.
func benchSpecs(b *testing.B, n int) []string {
	b.Helper()
	format, err := os.ReadFile(benchSpecFile)
	if err != nil {
		b.Fatal(err)
	}
	specs := make([]string, n)
	for i := range specs {
		specs[i] = fmt.Sprintf(string(format), i, i%10)
	}
	return specs
}

// BenchmarkOneRelease is one release in-process with the schema already
// compiled: load, validate, compile and render. Target: ≤ 2 ms.
func BenchmarkOneRelease(b *testing.B) { benchOne(b, []byte(benchSpecs(b, 2)[1])) }

// BenchmarkOneReleaseCUE is BenchmarkOneRelease's release written in CUE
// as CUE specs are: interpolations, a join, hidden fields; the
// interpolations of two values and the join are guarded against making a
// huge value (internal/load/bound.go).
func BenchmarkOneReleaseCUE(b *testing.B) {
	src, err := os.ReadFile("testdata/bench-release.cue")
	if err != nil {
		b.Fatal(err)
	}
	benchFile(b, "app.cue", src)
}

// benchOne compiles the one release src in-process, the schema compiled
// by a first, unmeasured run.
func benchOne(b *testing.B, src []byte) { benchFile(b, "app.yaml", src) }

// benchFile is benchOne for a file of any format, by its name.
func benchFile(b *testing.B, name string, src []byte) {
	b.Helper()
	l := &load.Loader{}
	if _, err := compile.Bytes(l, name, src); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := compile.Bytes(l, name, src); err != nil {
			b.Fatal(err)
		}
	}
}

// Benchmark1000Releases compiles 1,000 spec files in one call, as
// `rollspec build DIR` does, schema compiled once per worker.
// Target: ≤ 0.3 s wall on 2 cores.
func Benchmark1000Releases(b *testing.B) {
	dir := b.TempDir()
	for i, spec := range benchSpecs(b, 1000) {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("app-%04d.yaml", i)), []byte(spec), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		rs, err := compile.Paths(&load.Loader{}, specpath.Contained, []string{dir})
		if err != nil {
			b.Fatal(err)
		}
		if len(rs) != 1000 {
			b.Fatalf("compiled %d releases, want 1000", len(rs))
		}
		_ = compile.Stream(rs)
	}
}

// BenchmarkOneReleaseFullPod is BenchmarkOneRelease's release with a
// full pod section (container and pod in Kubernetes' shape: a Secret
// reference, a mount, a preStop hook, a native sidecar, topology spread).
// Target: within 1.5× of BenchmarkOneRelease.
func BenchmarkOneReleaseFullPod(b *testing.B) {
	format, err := os.ReadFile("testdata/bench-release-pod.yaml")
	if err != nil {
		b.Fatal(err)
	}
	benchOne(b, []byte(fmt.Sprintf(string(format), 1, 1)))
}

// BenchmarkOneProductionRelease is examples/orders-production in-process,
// as BenchmarkOneRelease: a larger spec than the others (container and pod
// in Kubernetes' shape, a version overlay merged by strategic merge patch,
// an autoscaler and a budget, so more objects). No target of its own: it
// watches the cost of those features for regressions.
func BenchmarkOneProductionRelease(b *testing.B) {
	src, err := os.ReadFile("../../examples/orders-production/release.yaml")
	if err != nil {
		b.Fatal(err)
	}
	benchOne(b, src)
}
