package load

import (
	"fmt"
	"iter"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
)

// positions says where the fields of one release were written, by path
// as cue.Path writes it. A Spec keeps it for messages made after loading
// (the compiler's warnings), and it is all a Spec keeps of the syntax:
// a long stream's releases must not hold their syntax trees.
type positions map[string]token.Pos

func (m positions) find(path string) (token.Pos, bool) {
	p, ok := m[path]
	return p, ok
}

// fieldsBelow reports whether the spec wrote a field in the struct at
// path.
func (m positions) fieldsBelow(path string) bool {
	for k := range m {
		if strings.HasPrefix(k, path+".") {
			return true
		}
	}
	return false
}

// positionsOf indexes where the fields of data were written: from the
// syntax of a YAML or JSON release and its lifted sections, which is
// cheap, otherwise by walking the value (CUE releases may be built from
// several files and references).
func positionsOf(data cue.Value, lift *lifted) positions {
	lit := syntaxOf(data)
	if lit == nil {
		return walkPositions(data)
	}
	m := positions{}
	syntaxPositions(m, "", lit)
	if lift != nil {
		for prefix, f := range lift.fields {
			m[prefix] = f.Pos()
			syntaxPositions(m, prefix, f.Value)
		}
	}
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
	d := &dups{errs: errs, prefix: prefix}
	d.walk(e)
	return d.errs
}

// dups finds the keys written twice in one mapping; at is the path to
// the node being walked, written out only for a duplicate.
type dups struct {
	errs   diag.List
	prefix string
	at     fieldpath.Steps
}

func (d *dups) walk(e ast.Expr) {
	switch x := e.(type) {
	case *ast.StructLit:
		// A mapping has a few keys: a scan costs less than a map, and the
		// keys of one with at most 16 stay on the stack.
		type key struct {
			name       string
			field, dup bool
		}
		var small [16]key
		keys := small[:0]
		dropped := false
		for _, decl := range x.Elts {
			k := key{}
			if f, ok := decl.(*ast.Field); ok {
				if name, _, err := ast.LabelName(f.Label); err == nil {
					k = key{name: name, field: true}
					if i := slices.IndexFunc(keys, func(o key) bool { return o.field && !o.dup && o.name == name }); i >= 0 {
						first := x.Elts[i].Pos()
						d.at = append(d.at, fieldpath.Field(name))
						d.errs = append(d.errs, &diag.Diagnostic{Pos: f.Pos(), Field: d.at.String(d.prefix), Text: fmt.Sprintf("duplicate key, first at %d:%d (allowed: each key once)", first.Line(), first.Column())})
						d.at = d.at[:len(d.at)-1]
						k.dup, dropped = true, true
					}
					// A duplicate's own value is walked too: it is
					// dropped, but its mistakes are reported with it.
					d.at = append(d.at, fieldpath.Field(name))
					d.walk(f.Value)
					d.at = d.at[:len(d.at)-1]
				}
			}
			keys = append(keys, k)
		}
		if dropped {
			// The later keys go, so that the rest of the spec is still
			// checked (two values for one key would otherwise be one more
			// conflict).
			i := 0
			x.Elts = slices.DeleteFunc(x.Elts, func(ast.Decl) bool { i++; return keys[i-1].dup })
		}
	case *ast.ListLit:
		for i, el := range x.Elts {
			d.at = append(d.at, fieldpath.Entry(i))
			d.walk(el)
			d.at = d.at[:len(d.at)-1]
		}
	}
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
		for name, f := range namedFields(x) {
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
func walkPositions(data cue.Value) positions {
	m := positions{}
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

// namedFields yields the fields of s whose label is a name, in order.
func namedFields(s *ast.StructLit) iter.Seq2[string, *ast.Field] {
	return func(yield func(string, *ast.Field) bool) {
		for _, d := range s.Elts {
			f, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			if name, _, err := ast.LabelName(f.Label); err == nil && !yield(name, f) {
				return
			}
		}
	}
}
