package load

import (
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueload "cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/testfs"
)

// TestToolPackages: what isToolPackage refuses are CUE's tool packages,
// which CUE lets a spec import (so rollspec must refuse them itself), and
// nothing else of its standard library.
func TestToolPackages(t *testing.T) {
	ctx := cuecontext.New()
	for _, tc := range []struct {
		path string
		tool bool
	}{
		{"tool/cli", true}, {"tool/exec", true}, {"tool/file", true}, {"tool/http", true}, {"tool/os", true},
		{"strings", false}, {"list", false}, {"encoding/json", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			if got := isToolPackage(tc.path); got != tc.tool {
				t.Errorf("isToolPackage = %v, want %v", got, tc.tool)
			}
			v := ctx.CompileString("import p \"" + tc.path + "\"\nx: p\n")
			if err := v.Err(); err != nil {
				t.Errorf("CUE does not take the import: %v", err)
			}
		})
	}
}

// TestCUEOwnPositions: CUE names a position in a package of its standard
// library by the package's import path, which inCUE tells from the
// user's files (and from standard input).
func TestCUEOwnPositions(t *testing.T) {
	v := cuecontext.New().CompileString("import \"list\"\nx: list.Ascending\n", cue.Filename("w.cue"))
	var in []token.Pos
	v.LookupPath(cue.ParsePath("x")).Walk(func(x cue.Value) bool {
		if p := x.Pos(); p.IsValid() && p.Filename() == "list" {
			in = append(in, p)
		}
		return true
	}, nil)
	if len(in) == 0 {
		t.Fatal("no position of list.Ascending's fields is named \"list\"")
	}
	for _, p := range in {
		if !inCUE(p) {
			t.Errorf("inCUE(%v) = false", p)
		}
	}
	for _, name := range []string{"w.cue", "specs/web.yaml", "/abs/x.json", "<stdin>"} {
		if p := token.NewFile(name, -1, 1).Pos(0, token.NoRelPos); inCUE(p) {
			t.Errorf("inCUE(%s) = true", name)
		}
	}
}

// TestEmbedRefused: CUE embeds files for a package whose file declares
// @extern(embed) (so rollspec must refuse it itself); refusedCUE finds
// each @embed at its field, or the @extern(embed) of a file without one.
func TestEmbedRefused(t *testing.T) {
	dir := testfs.Tree(t, map[string]string{
		"cue.mod/module.cue": "module: \"example.com/x@v0\"\nlanguage: version: \"v0.17.0\"\n",
		"a.json":             "{\"A\": \"b\"}\n",
		"x.cue":              "@extern(embed)\n\npackage x\n\nenv: _ @embed(file=a.json)\n",
	})
	insts := cueload.Instances([]string{"."}, &cueload.Config{Dir: dir})
	v := cuecontext.New().BuildInstance(insts[0])
	if got, _ := v.LookupPath(cue.ParsePath("env.A")).String(); got != "b" {
		t.Fatalf("CUE did not embed a.json (env.A = %q, %v): refusing it is moot", got, v.Err())
	}
	for _, tc := range []struct {
		src  string
		want []string // field: line:column
	}{
		{"@extern(embed)\n\npackage x\n\nenv: _ @embed(file=a.json)\nc: f: \"a.b\": _ @embed(glob=*.txt, type=text)\n", []string{"env: 5:8", `c.f."a.b": 6:16`}},
		{"@extern(embed)\n\npackage x\n\nx: 1\n", []string{": 1:1"}},
		{"package x\n\nenv: _ @embed(file=a.json)\n", nil}, // no @extern(embed): an attribute CUE ignores
	} {
		f, err := parser.ParseFile("x.cue", tc.src)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range refusedCUE([]*ast.File{f}) {
			got = append(got, d.Field+": "+d.Pos.Position().String()[len("x.cue:"):])
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %q, want %q", tc.src, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: got %q, want %q", tc.src, got, tc.want)
			}
		}
	}
}
