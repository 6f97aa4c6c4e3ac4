package fieldpath

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// guarded are the packages that name release fields, relative to this
// one. Where they take a Path (load.Spec.Pos and Warn, load's checker,
// gen's warning) the compiler refuses a string; TestNoLiteralPaths covers
// where a path is still a string: a diagnostic's Field, and the index of
// load's positions. Strict packages build diagnostics only about the
// release's fields, so their Field is always a Path's String; load's also
// name CUE's paths and a ReleaseSet's.
var guarded = []struct {
	dir    string
	strict bool
}{{"../load", false}, {"../gen", true}, {"../compile", true}}

// TestNoLiteralPaths fails when a guarded package writes a field path as
// a string literal, whole or in parts ("host", f+".port",
// fmt.Sprintf("ports[%d]", i)), in a diagnostic's Field or as a key of
// Spec's positions, or, in a strict package, sets a Field to anything but
// a Path's String.
func TestNoLiteralPaths(t *testing.T) {
	fset := token.NewFileSet()
	files := 0
	for _, g := range guarded {
		names, err := filepath.Glob(filepath.Join(g.dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files++
			for _, p := range stringPaths(f, g.strict) {
				t.Errorf("%s: %s (allowed: a fieldpath.Path)", fset.Position(p.pos), p.what)
			}
		}
	}
	if files < 10 {
		t.Fatalf("read %d files of %v; the paths are wrong", files, guarded)
	}
}

// problem is a field path written as a string.
type problem struct {
	pos  token.Pos
	what string
}

// stringPaths returns where f writes a field path, or part of one, as a
// string literal where a path is a string: the value of a Field key and
// the index of a map named pos. strict also refuses a Field set to
// anything but a call of String.
func stringPaths(f *ast.File, strict bool) []problem {
	var found []problem
	ast.Inspect(f, func(n ast.Node) bool {
		var e ast.Expr
		switch x := n.(type) {
		case *ast.KeyValueExpr:
			if id, ok := x.Key.(*ast.Ident); ok && id.Name == "Field" {
				e = x.Value
				if strict && !stringCall(e) {
					found = append(found, problem{e.Pos(), "Field is not set to a Path's String"})
					return true
				}
			}
		case *ast.IndexExpr:
			if posMap(x.X) {
				e = x.Index
			}
		}
		if e != nil {
			ast.Inspect(e, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && pathLike(lit.Value) {
					found = append(found, problem{lit.Pos(), "field path " + lit.Value + " written as a string"})
				}
				return true
			})
		}
		return true
	})
	return found
}

// stringCall reports whether e is x.String().
func stringCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) > 0 {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "String"
}

// posMap reports whether e is a map of positions by path: pos, or s.pos.
func posMap(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name == "pos"
	case *ast.SelectorExpr:
		return x.Sel.Name == "pos"
	}
	return false
}

// pathLike reports whether a Go string literal names a field or an index:
// it holds a letter or a '['. A separator alone (".") joins paths made
// elsewhere, such as CUE's own.
func pathLike(quoted string) bool {
	s, err := strconv.Unquote(quoted)
	if err != nil {
		return true
	}
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || r == '[' })
}

// TestLiteralPathsFound proves the scan finds each way code used to write
// a path as a string, and passes what names a path properly.
func TestLiteralPathsFound(t *testing.T) {
	const src = `package p

func f() {
	_ = diag.Diagnostic{Field: "host"}
	_ = &diag.Diagnostic{Pos: p, Field: field + ".protocol"}
	_ = diag.List{{Field: fmt.Sprintf("ports[%d]", i)}}
	_, wrote := c.s.pos["gatewaySelector"]
	_ = s.pos["ports"+"[0]"]
	_ = diag.Diagnostic{Field: field}
}

func g() {
	_ = diag.Diagnostic{Field: fieldpath.Host.String()}
	_ = diag.Diagnostic{Field: at.String()}
	_ = s.pos[at.String()]
	_ = other["host"]
}

func loose() {
	_ = diag.Diagnostic{Field: ReleasesField + "." + sel.String()}
	_ = diag.Diagnostic{Field: strings.Join(e.Path(), ".")}
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		strict bool
		want   []string
	}{
		{false, []string{"4:29", "5:46", "6:36", "7:22", "8:12", "8:20"}},
		{true, []string{"4:29", "5:38", "6:24", "7:22", "8:12", "8:20", "9:29", "20:29", "21:29"}},
	} {
		var got []string
		for _, p := range stringPaths(f, tc.strict) {
			pos := fset.Position(p.pos)
			got = append(got, strconv.Itoa(pos.Line)+":"+strconv.Itoa(pos.Column))
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("strict %v: found at %v, want %v", tc.strict, got, tc.want)
		}
	}
}
