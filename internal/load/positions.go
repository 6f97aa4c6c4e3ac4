package load

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
)

// positions indexes where every field of data was written: from the
// syntax of a YAML or JSON release, which is cheap, otherwise by walking
// the value (CUE releases may be built from several files and references).
func positions(data cue.Value) map[string]token.Pos {
	lit := syntaxOf(data)
	if lit == nil {
		return walkPositions(data)
	}
	m := map[string]token.Pos{}
	syntaxPositions(m, "", lit)
	return m
}

// syntaxOf returns the syntax a YAML or JSON release was written in, nil
// for CUE (whose releases may be built from several files and references).
func syntaxOf(data cue.Value) *ast.StructLit {
	var lit *ast.StructLit
	var file string
	switch src := data.Source().(type) {
	case *ast.File:
		lit, file = &ast.StructLit{Elts: src.Decls}, src.Filename
	case *ast.StructLit:
		lit, file = src, src.Pos().Filename()
	}
	if lit == nil || file == "" || filepath.Ext(file) == ".cue" {
		return nil
	}
	return lit
}

// duplicateKeys reports keys written twice in one mapping under e, with
// paths below prefix as cue.Path writes them, and removes the later ones
// from e.
func duplicateKeys(errs diag.List, prefix string, e ast.Expr) diag.List {
	if x, ok := e.(*ast.StructLit); ok {
		for _, d := range x.Elts {
			if em, ok := d.(*ast.EmbedDecl); ok {
				errs = duplicateKeys(errs, prefix, em.Expr) // a stream's list
			}
		}
	}
	first := map[ast.Node]map[string]token.Pos{}
	drop := map[ast.Node]bool{}
	var in []*ast.StructLit // structs that lose a field
	walkSyntax(prefix, e, func(k, name string, parent, n ast.Node) {
		if name == "" {
			return // a list element
		}
		if first[parent] == nil {
			first[parent] = map[string]token.Pos{}
		}
		if p, ok := first[parent][name]; ok {
			errs = append(errs, &diag.Diagnostic{Pos: n.Pos(), Field: k, Text: fmt.Sprintf("duplicate key, first at %d:%d (allowed: each key once)", p.Line(), p.Column())})
			drop[n] = true
			in = append(in, parent.(*ast.StructLit))
			return
		}
		first[parent][name] = n.Pos()
	})
	// The later keys go, so that the rest of the spec is still checked
	// (two values for one key would otherwise be one more conflict).
	for _, x := range in {
		x.Elts = slices.DeleteFunc(x.Elts, func(d ast.Decl) bool { return drop[d] })
	}
	return errs
}

// syntaxPositions records the position of every field and list element
// under e, keyed by its path below prefix as cue.Path writes it.
func syntaxPositions(m map[string]token.Pos, prefix string, e ast.Expr) {
	walkSyntax(prefix, e, func(k, _ string, _, n ast.Node) { m[k] = n.Pos() })
}

// walkSyntax calls fn for every field and list element under e, in the
// order written, with its path below prefix as cue.Path writes it, the
// field's name ("" for an element), the struct or list it is in and the
// node itself.
func walkSyntax(prefix string, e ast.Expr, fn func(path, name string, in, n ast.Node)) {
	switch x := e.(type) {
	case *ast.StructLit:
		for _, d := range x.Elts {
			f, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			name, _, err := ast.LabelName(f.Label)
			if err != nil {
				continue
			}
			k := cue.Str(name).String()
			if prefix != "" {
				k = prefix + "." + k
			}
			fn(k, name, x, f)
			walkSyntax(k, f.Value, fn)
		}
	case *ast.ListLit:
		for i, el := range x.Elts {
			k := prefix + "[" + strconv.Itoa(i) + "]"
			fn(k, "", x, el)
			walkSyntax(k, el, fn)
		}
	}
}

// walkPositions indexes where every field of data was written by walking
// the value.
func walkPositions(data cue.Value) map[string]token.Pos {
	m := map[string]token.Pos{}
	data.Walk(nil, func(v cue.Value) {
		if p := v.Pos(); p.IsValid() {
			if k := trimRoot(v.Path().String(), data); k != "" {
				m[k] = p
			}
		}
	})
	return m
}

// trimRoot makes an absolute value path relative to the release root.
func trimRoot(k string, root cue.Value) string {
	r := root.Path().String()
	if r == "" {
		return k
	}
	k = strings.TrimPrefix(k, r)
	return strings.TrimPrefix(k, ".")
}
