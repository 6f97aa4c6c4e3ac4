package compile_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/internal/testfs"
)

var update = flag.Bool("update", false, "rewrite golden/*.yaml from the compiler's output")

// examples returns the example directories under ../../examples.
func examples(t testing.TB) []string { return testfs.Examples(t, "../../examples") }

// TestGolden compiles every example and compares the whole output with
// golden/<example>.yaml; run with -update to rewrite them, then review the
// diff.
func TestGolden(t *testing.T) {
	l := &load.Loader{}
	for _, name := range examples(t) {
		t.Run(name, func(t *testing.T) {
			rs, err := compile.Paths(l, specpath.Contained, []string{filepath.Join("../../examples", name)})
			if err != nil {
				var b bytes.Buffer
				diag.Print(&b, err, "")
				t.Fatalf("compile: %s", b.String())
			}
			got := compile.Stream(rs)
			path := filepath.Join("../../golden", name+".yaml")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./compile -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s; run `go test ./compile -update` and review the diff:\n%s", path, lineDiff(want, got))
			}
			for _, r := range rs {
				checkInvariants(t, r)
			}
		})
	}
}

// TestDeterministic compiles every example with fresh loaders and
// different parallelism and expects identical bytes each time.
func TestDeterministic(t *testing.T) {
	for _, name := range examples(t) {
		var prev []byte
		for i := range 3 {
			rs, err := compile.Paths(&load.Loader{Workers: i + 1, Renew: 1}, specpath.Contained, []string{filepath.Join("../../examples", name)})
			if err != nil {
				t.Fatal(err)
			}
			got := compile.Stream(rs)
			if prev != nil && !bytes.Equal(prev, got) {
				t.Fatalf("%s: run %d differs from the previous run", name, i)
			}
			prev = got
		}
	}
}

// lineDiff shows the first differing line of two outputs.
func lineDiff(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl []byte
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if !bytes.Equal(wl, gl) {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return ""
}
