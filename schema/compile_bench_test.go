package schema

import (
	"fmt"
	"os"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/encoding/yaml"
)

// BenchmarkCompile is the fixed cost every process (and every worker)
// pays before its first release.
func BenchmarkCompile(b *testing.B) {
	for b.Loop() {
		if _, err := Compile(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate is CUE's share of one release: the typical release of
// compile's benchmarks parsed, unified with #Release and validated
// concrete and final. BenchmarkValidateOpen does the same against an
// open definition that constrains nothing; the difference is the
// schema's own cost, the rest is CUE's floor for a spec of this size.
func BenchmarkValidate(b *testing.B) {
	s, err := Compile()
	if err != nil {
		b.Fatal(err)
	}
	benchValidate(b, s.Context, s.Release)
}

func BenchmarkValidateOpen(b *testing.B) {
	ctx := cuecontext.New()
	benchValidate(b, ctx, ctx.CompileString("#Release: {...}").LookupPath(cue.ParsePath(ReleasePath)))
}

func benchValidate(b *testing.B, ctx *cue.Context, def cue.Value) {
	format, err := os.ReadFile("../internal/compile/testdata/bench-release.yaml")
	if err != nil {
		b.Fatal(err)
	}
	spec := fmt.Sprintf(string(format), 1, 1)
	b.ReportAllocs()
	for b.Loop() {
		f, err := yaml.Extract("app.yaml", spec)
		if err != nil {
			b.Fatal(err)
		}
		if err := ctx.BuildFile(f).Unify(def).Validate(cue.Concrete(true), cue.Final()); err != nil {
			b.Fatal(err)
		}
	}
}
