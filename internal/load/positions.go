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
	"github.com/rollspec/rollspec/internal/fieldpath"
)

// positions says where the fields of one release were written.
type positions interface {
	// find is where the field at path (as cue.Path writes it) was written.
	find(path string) (token.Pos, bool)
	// fieldsBelow reports whether the spec wrote a field in the struct at
	// path.
	fieldsBelow(path string) bool
}

// positionsOf indexes where the fields of data were written: from the
// syntax of a YAML or JSON release (and its lifted sections), looked up
// when asked, which is cheap; otherwise by walking the value (CUE
// releases may be built from several files and references).
func positionsOf(data cue.Value, lift *lifted) positions {
	lit := syntaxOf(data)
	if lit == nil {
		return walkPositions(data)
	}
	s := &syntaxPositions{release: lit}
	if lift != nil {
		s.lifted = lift.fields
	}
	return s
}

// syntaxPositions finds positions in a YAML or JSON release's syntax.
type syntaxPositions struct {
	release *ast.StructLit
	lifted  map[string]*ast.Field // by path: "pod", "stable.container"
	// top are the release's own fields by name, indexed on first use:
	// decoding asks for each optional field whether it was written.
	top map[string]*ast.Field
}

func (s *syntaxPositions) find(path string) (token.Pos, bool) {
	n, ok := s.node(path)
	if !ok {
		return token.NoPos, false
	}
	return n.Pos(), true
}

func (s *syntaxPositions) fieldsBelow(path string) bool {
	n, ok := s.node(path)
	if !ok {
		return false
	}
	if f, ok := n.(*ast.Field); ok {
		n = f.Value
	}
	x, ok := n.(*ast.StructLit)
	return ok && slices.ContainsFunc(x.Elts, func(d ast.Decl) bool { _, ok := d.(*ast.Field); return ok })
}

// node is the field or list element at path: where a lifted section's
// path starts with its own, below that section, else in the release.
func (s *syntaxPositions) node(path string) (ast.Node, bool) {
	if path == "" {
		return nil, false
	}
	var at ast.Node = s.release
	for prefix, f := range s.lifted {
		if rest, ok := strings.CutPrefix(path, prefix); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
			at, path = f, rest
			break
		}
	}
	for path != "" {
		var st fieldpath.Step
		var ok bool
		st, path, ok = nextStep(path)
		if !ok {
			return nil, false
		}
		var value ast.Expr
		switch n := at.(type) {
		case *ast.Field:
			value = n.Value
		case ast.Expr:
			value = n
		}
		if value == s.release && st.Index < 0 {
			f, ok := s.topFields()[st.Name]
			if !ok {
				return nil, false
			}
			at = f
			continue
		}
		if at, ok = step(value, st); !ok {
			return nil, false
		}
	}
	return at, true
}

// topFields indexes the release's own fields by name, the first of a
// name.
func (s *syntaxPositions) topFields() map[string]*ast.Field {
	if s.top == nil {
		s.top = make(map[string]*ast.Field, len(s.release.Elts))
		for _, d := range s.release.Elts {
			if f, ok := d.(*ast.Field); ok {
				if n, _, err := ast.LabelName(f.Label); err == nil && s.top[n] == nil {
					s.top[n] = f
				}
			}
		}
	}
	return s.top
}

// nextStep reads the first step of path as cue.Path writes it (name,
// "quoted name", [index], each after the first preceded by '.' unless an
// index) and returns it with the rest.
func nextStep(path string) (fieldpath.Step, string, bool) {
	path = strings.TrimPrefix(path, ".")
	switch {
	case path == "":
		return fieldpath.Step{}, "", false
	case path[0] == '[':
		end := strings.IndexByte(path, ']')
		if end < 0 {
			return fieldpath.Step{}, "", false
		}
		i, err := strconv.Atoi(path[1:end])
		return fieldpath.Entry(i), path[end+1:], err == nil && i >= 0
	case path[0] == '"':
		q, err := strconv.QuotedPrefix(path)
		if err != nil {
			return fieldpath.Step{}, "", false
		}
		name, err := strconv.Unquote(q)
		return fieldpath.Field(name), path[len(q):], err == nil
	}
	end := strings.IndexAny(path, ".[")
	if end < 0 {
		end = len(path)
	}
	return fieldpath.Field(path[:end]), path[end:], true
}

// step is the field or list element st selects in e.
func step(e ast.Expr, st fieldpath.Step) (ast.Node, bool) {
	switch x := e.(type) {
	case *ast.StructLit:
		if st.Index >= 0 {
			return nil, false
		}
		for _, d := range x.Elts {
			if f, ok := d.(*ast.Field); ok {
				if n, _, err := ast.LabelName(f.Label); err == nil && n == st.Name {
					return f, true
				}
			}
		}
	case *ast.ListLit:
		if st.Index >= 0 && st.Index < len(x.Elts) {
			return x.Elts[st.Index], true
		}
	}
	return nil, false
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

// valuePositions are the positions of a CUE release's fields, by path.
type valuePositions map[string]token.Pos

func (m valuePositions) find(path string) (token.Pos, bool) {
	p, ok := m[path]
	return p, ok
}

func (m valuePositions) fieldsBelow(path string) bool {
	for k := range m {
		if strings.HasPrefix(k, path+".") {
			return true
		}
	}
	return false
}

// walkPositions indexes where every field of data was written by walking
// the value.
func walkPositions(data cue.Value) valuePositions {
	m := valuePositions{}
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
