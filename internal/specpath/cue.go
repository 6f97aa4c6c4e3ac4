package specpath

import (
	"path/filepath"
	"slices"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
)

// packageSiblings returns the other .cue files in path's directory that
// belong to its package, none when it has no package clause.
func packageSiblings(path string) []string {
	pkg := cuePackage(path)
	if pkg == "" {
		return nil
	}
	all, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.cue"))
	var out []string
	for _, f := range all {
		if f != path && !strings.HasPrefix(filepath.Base(f), ".") && cuePackage(f) == pkg {
			out = append(out, f)
		}
	}
	return out
}

// cuePackage returns the package name of a .cue file, "" when it has none.
func cuePackage(path string) string {
	name, _ := packageClause(path)
	return name
}

// packageClause returns the package name of a .cue file and where its
// package clause is; "" and the file's first line when it has none (or
// cannot be read or parsed, which loading it would say).
func packageClause(path string) (string, token.Pos) {
	src, err := ReadFile(path, MaxConfigBytes)
	if err != nil {
		return "", diag.FileOnly(path)
	}
	at := token.NewFile(path, -1, len(src)).Pos(0, token.NoRelPos) // line 1, column 1
	f, err := parser.ParseFile(path, src, parser.PackageClauseOnly)
	if err != nil {
		return "", at
	}
	for _, d := range f.Decls {
		if p, ok := d.(*ast.Package); ok {
			return f.PackageName(), p.Pos()
		}
	}
	return "", at
}

// cueToolFile is the problem of a named CUE tool file (x_tool.cue), at
// its package clause.
func cueToolFile(path string) *diag.Diagnostic {
	_, at := packageClause(path)
	return &diag.Diagnostic{Pos: at, Text: "is a CUE tool file (its name ends in _tool.cue): CUE leaves it out of its package, for cue cmd alone, so rollspec reads no release from it (allowed: a release in a .cue file whose name does not end in _tool.cue)"}
}

// definitionsOnly reports whether the CUE file at path declares
// definitions and no other field: shared values, not releases.
func definitionsOnly(path string) bool {
	src, err := ReadFile(path, MaxConfigBytes)
	if err != nil {
		return false
	}
	f, err := parser.ParseFile(path, src)
	if err != nil || Declares(f) {
		return false
	}
	return slices.ContainsFunc(f.Decls, func(d ast.Decl) bool {
		fd, ok := d.(*ast.Field)
		if !ok {
			return false
		}
		name, _, _ := ast.LabelName(fd.Label)
		return strings.HasPrefix(name, "#")
	})
}

// Declares reports whether a CUE file declares a regular field, which a
// release (or `releases`) is: not only its package, imports, comments,
// definitions and hidden fields.
func Declares(f *ast.File) bool {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Package, *ast.ImportDecl, *ast.CommentGroup, *ast.Attribute, *ast.LetClause:
		case *ast.Field:
			// Definitions and hidden fields are shared values, not releases:
			// a file of only those (rollspec's own schema, written out by
			// `rollspec schema`) holds none.
			name, _, _ := ast.LabelName(d.Label)
			if !strings.HasPrefix(name, "#") && !strings.HasPrefix(name, "_") {
				return true
			}
		default:
			return true
		}
	}
	return false
}
