package specedit

import (
	"fmt"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// parseCUE finds the mappings of a CUE file (its top level) or of a JSON
// file (each value, or each object of a list), whose syntax CUE's parser
// reads too.
func (d *Doc) parseCUE() error {
	f, err := parser.ParseFile(d.Name, d.src, parser.ParseComments)
	if err != nil {
		return fmt.Errorf("parsing: %w", err)
	}
	if d.format == CUE {
		top := &mapping{doc: d}
		d.cueFields(top, f.Decls)
		d.roots = append(d.roots, top)
		return nil
	}
	for _, decl := range f.Decls {
		e, ok := decl.(*ast.EmbedDecl)
		if !ok {
			continue
		}
		switch x := e.Expr.(type) {
		case *ast.StructLit:
			d.roots = append(d.roots, d.cueMapping(x, nil))
		case *ast.ListLit:
			for _, item := range x.Elts {
				if s, ok := item.(*ast.StructLit); ok {
					d.roots = append(d.roots, d.cueMapping(s, nil))
				}
			}
		}
	}
	return nil
}

// cueMapping is the struct literal x.
func (d *Doc) cueMapping(x *ast.StructLit, parent *field) *mapping {
	m := &mapping{doc: d, parent: parent, flow: x.Lbrace.IsValid()}
	if m.flow {
		m.open, m.close = x.Lbrace.Offset(), x.Rbrace.Offset()
	}
	d.cueFields(m, x.Elts)
	return m
}

// cueFields adds the named fields of decls to m; a value that is not
// written as a literal is marked computed, with what it is computed from.
func (d *Doc) cueFields(m *mapping, decls []ast.Decl) {
	for _, decl := range decls {
		x, ok := decl.(*ast.Field)
		if !ok {
			continue
		}
		name, _, err := ast.LabelName(x.Label)
		if err != nil {
			// A pattern such as [Name=string]: applies to many fields: no
			// release's own, yet what it writes is found by Declares.
			if v, ok := x.Value.(*ast.StructLit); ok {
				d.shared = append(d.shared, d.cueMapping(v, nil))
			}
			continue
		}
		f := &field{name: name, owner: m,
			key: x.Label.Pos().Offset(), keyEnd: x.Label.End().Offset(),
			val: x.Value.Pos().Offset(), valEnd: x.Value.End().Offset()}
		f.end = f.valEnd
		_, f.quoted = x.Label.(*ast.BasicLit)
		switch v := x.Value.(type) {
		case *ast.StructLit:
			f.m = d.cueMapping(v, f)
		case *ast.BasicLit:
			f.scalar = true
			f.quoted = v.Kind == token.STRING
		case *ast.ListLit:
		case *ast.BinaryExpr:
			// _base & {…}: the literal part is this release's own.
			if s, ok := v.Y.(*ast.StructLit); ok && v.Op == token.AND {
				f.m = d.cueMapping(s, f)
			} else if s, ok := v.X.(*ast.StructLit); ok && v.Op == token.AND {
				f.m = d.cueMapping(s, f)
			}
			f.computed = source(v)
			f.byDefault = defaulted(v)
		default:
			f.computed = source(v)
		}
		m.fields = append(m.fields, f)
	}
}

// source is how an expression is written, for messages.
func source(e ast.Expr) string {
	b, err := format.Node(e)
	if err != nil {
		return "an expression"
	}
	return string(b)
}

// defaulted reports whether e is a disjunction with a default marked
// (*1 | int), whose value a more specific one replaces.
func defaulted(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.ParenExpr:
		return defaulted(x.X)
	case *ast.UnaryExpr:
		return x.Op == token.MUL
	case *ast.BinaryExpr:
		return x.Op == token.OR && (defaulted(x.X) || defaulted(x.Y))
	}
	return false
}
