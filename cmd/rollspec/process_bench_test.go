package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// The process benchmarks run the real binary, as a user or a hook does,
// so their figures include starting the process: package initialisation,
// compiling the schema and writing the output.

// buildBinary builds the package at pkg into dir, static as `make build`
// builds rollspec, and returns its path.
func buildBinary(b *testing.B, pkg, dir string) string {
	b.Helper()
	name := filepath.Base(pkg)
	if name == "." {
		name = "rollspec"
	}
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// runProcess runs bin with args b.N times, stdout to /dev/null as a
// shell redirect would, and returns the largest peak resident memory seen
// in MiB. (Linux counts the forking test binary's memory into a child's
// peak until it execs, so the figure means something only above the test
// binary's own ~25 MiB.)
func runProcess(b *testing.B, bin string, args ...string) float64 {
	b.Helper()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	var peak int64
	for b.Loop() {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = null, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s %v: %v\n%s", bin, args, err, stderr.Bytes())
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // KiB on Linux
		}
	}
	return float64(peak) / 1024
}

// BenchmarkProcessBuildOne is `rollspec build examples/kubia-canary` as a
// whole process.
func BenchmarkProcessBuildOne(b *testing.B) {
	bin := buildBinary(b, ".", b.TempDir())
	runProcess(b, bin, "build", "../../examples/kubia-canary")
}

// BenchmarkProcessVersion is `rollspec version`: starting the binary and
// nothing else.
func BenchmarkProcessVersion(b *testing.B) {
	bin := buildBinary(b, ".", b.TempDir())
	runProcess(b, bin, "version")
}

// BenchmarkProcessFloor starts a binary that only links CUE's evaluator:
// the least any process validating with CUE can cost on this machine.
func BenchmarkProcessFloor(b *testing.B) {
	bin := buildBinary(b, "./testdata/floor", b.TempDir())
	runProcess(b, bin)
}

// BenchmarkProcessBuild1000 is `rollspec build DIR` over 1,000 release
// files, one invocation, output to stdout (discarded).
func BenchmarkProcessBuild1000(b *testing.B) {
	dir := b.TempDir()
	bin := buildBinary(b, ".", dir)
	specs := filepath.Join(dir, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		b.Fatal(err)
	}
	// The same release as compile's in-process benchmarks.
	format, err := os.ReadFile("../../internal/compile/testdata/bench-release.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		spec := fmt.Sprintf(string(format), i, i%10)
		if err := os.WriteFile(filepath.Join(specs, fmt.Sprintf("app-%04d.yaml", i)), []byte(spec), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(runProcess(b, bin, "build", specs), "peak-MiB")
}

// BenchmarkProcessStream10000 is `rollspec build FILE` over one YAML
// stream of 10,000 releases, as a generator writes them: the stream is
// read in chunks, so memory stays flat however long it is.
func BenchmarkProcessStream10000(b *testing.B) {
	dir := b.TempDir()
	bin := buildBinary(b, ".", dir)
	format, err := os.ReadFile("../../internal/compile/testdata/bench-release.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var stream bytes.Buffer
	for i := range 10000 {
		if i > 0 {
			stream.WriteString("---\n")
		}
		fmt.Fprintf(&stream, string(format), i, i%10)
	}
	file := filepath.Join(dir, "stream.yaml")
	if err := os.WriteFile(file, stream.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(runProcess(b, bin, "build", file), "peak-MiB")
}
