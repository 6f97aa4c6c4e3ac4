package schema

import (
	"strings"
	"sync"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
)

// A place is where a struct of the schema is: a definition's name, then
// the fields leading to a struct written inline in it, dot-separated:
// "#Release", "#Release.service", "#Strategy.canary". A field of that
// struct is the place, a dot and its name: "#Version.tag". A definition
// used in several places (#Version for stable and the candidate, #Port
// for every port) is one place: what any of them writes, it keeps.

// Written lists the fields a release's syntax writes, as places of the
// schema (see Trimmed), walking the syntax beside the schema: a struct
// written for a field that is a definition, a list of one, a map of one
// by pattern, or a struct written inline, is walked in that struct's
// place.
func (s *Schema) Written(lit *ast.StructLit) []string {
	sh := theShape()
	if sh == nil {
		return nil
	}
	var out []string
	sh.walk(ReleasePath, lit, &out)
	return out
}

// Optional reports whether the field name of the struct at place is
// optional (name?:), so that a value has it only where a spec writes it.
func Optional(place, name string) bool {
	sh := theShape()
	pf := sh[place]
	return pf != nil && pf.optional[name]
}

// shape is, for every struct of the schema by place, where each of its
// fields leads: read once per process, then only read.
type shape map[string]*placeFields

// placeFields are the fields of the struct at one place.
type placeFields struct {
	// fields are the place of the struct each field holds ("" for none),
	// and whether it holds a list of them.
	fields map[string]target
	// pattern is the place of the struct a map's pattern constraint
	// holds for every field the struct does not name ("" for none).
	pattern string
	// optional are the struct's optional fields (name?:): a value has
	// one only where a spec writes it.
	optional map[string]bool
}

type target struct {
	place string
	list  bool
}

var (
	shapeOnce sync.Once
	shapeOf   shape
)

// theShape is the schema's shape, nil when the schema cannot be read.
func theShape() shape {
	shapeOnce.Do(func() {
		f, err := parseSchema()
		if err != nil {
			return
		}
		structs := structsOf(f)
		sh := shape{}
		for place, st := range structs {
			pf := &placeFields{fields: map[string]target{}, optional: map[string]bool{}}
			for _, d := range st.Elts {
				fd, ok := d.(*ast.Field)
				if !ok {
					continue
				}
				if _, pattern := fd.Label.(*ast.ListLit); pattern {
					if id, ok := fd.Value.(*ast.Ident); ok && structs[id.Name] != nil {
						pf.pattern = id.Name
					}
					continue
				}
				name, _, err := ast.LabelName(fd.Label)
				if err != nil {
					continue
				}
				pf.fields[name] = targetOf(structs, place, name, fd.Value)
				if fd.Constraint == token.OPTION {
					pf.optional[name] = true
				}
			}
			sh[place] = pf
		}
		shapeOf = sh
	})
	return shapeOf
}

// targetOf is the place of the struct a field name of the struct at place
// holds, given its value in the schema.
func targetOf(structs map[string]*ast.StructLit, place, name string, v ast.Expr) target {
	switch v := v.(type) {
	case *ast.StructLit:
		return target{place: place + "." + name}
	case *ast.Ident:
		if structs[v.Name] != nil {
			return target{place: v.Name}
		}
	case *ast.ListLit:
		if len(v.Elts) > 0 {
			if id, ok := v.Elts[0].(*ast.Ident); ok && structs[id.Name] != nil {
				return target{place: id.Name, list: true}
			}
		}
	}
	return target{}
}

// walk records the fields lit writes at place, and walks on into the
// structs it writes.
func (sh shape) walk(place string, lit *ast.StructLit, out *[]string) {
	pf := sh[place]
	for _, d := range lit.Elts {
		f, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, _, err := ast.LabelName(f.Label)
		if err != nil {
			continue
		}
		*out = append(*out, place+"."+name)
		if pf == nil {
			continue
		}
		t, named := pf.fields[name]
		if !named && pf.pattern != "" {
			t = target{place: pf.pattern}
		}
		if t.place == "" {
			continue
		}
		switch v := f.Value.(type) {
		case *ast.StructLit:
			if !t.list {
				sh.walk(t.place, v, out)
			}
		case *ast.ListLit:
			if t.list {
				for _, e := range v.Elts {
					if el, ok := e.(*ast.StructLit); ok {
						sh.walk(t.place, el, out)
					}
				}
			}
		}
	}
}

// structsOf finds f's structs by place: each definition written as a
// struct, and the structs written inline in them.
func structsOf(f *ast.File) map[string]*ast.StructLit {
	structs := map[string]*ast.StructLit{}
	var inline func(place string, st *ast.StructLit)
	inline = func(place string, st *ast.StructLit) {
		structs[place] = st
		for _, d := range st.Elts {
			if fd, ok := d.(*ast.Field); ok {
				if sub, ok := fd.Value.(*ast.StructLit); ok {
					if name, _, err := ast.LabelName(fd.Label); err == nil {
						inline(place+"."+name, sub)
					}
				}
			}
		}
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.Field); ok {
			if name, _, err := ast.LabelName(fd.Label); err == nil && strings.HasPrefix(name, "#") {
				if st, ok := fd.Value.(*ast.StructLit); ok {
					inline(name, st)
				}
			}
		}
	}
	return structs
}

// trim removes from the structs of f the optional fields no place in
// kept names, and gives each field with a default that kept does not
// name its default alone.
func trim(f *ast.File, kept map[string]bool) {
	for place, st := range structsOf(f) {
		st.Elts = deleteFields(st.Elts, func(fd *ast.Field, name string) bool {
			return fd.Constraint == token.OPTION && !kept[place+"."+name]
		})
		for _, d := range st.Elts {
			fd, ok := d.(*ast.Field)
			if !ok || fd.Constraint == token.OPTION {
				continue
			}
			name, _, err := ast.LabelName(fd.Label)
			if err != nil || kept[place+"."+name] {
				continue
			}
			if def := defaultOf(fd.Value); def != nil {
				// Left out, the field takes its default: the disjunction
				// CUE would weigh in every release is its default alone.
				fd.Value = def
			}
		}
	}
}

// deleteFields removes from elts the fields drop says to.
func deleteFields(elts []ast.Decl, drop func(fd *ast.Field, name string) bool) []ast.Decl {
	out := elts[:0]
	for _, d := range elts {
		if fd, ok := d.(*ast.Field); ok {
			if name, _, err := ast.LabelName(fd.Label); err == nil && drop(fd, name) {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// defaultOf is the default of a disjunction `*d | …`, or nil.
func defaultOf(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.BinaryExpr:
		if x.Op != token.OR {
			return nil
		}
		if d := defaultOf(x.X); d != nil {
			return d
		}
		return defaultOf(x.Y)
	case *ast.UnaryExpr:
		if x.Op == token.MUL {
			return x.X
		}
	case *ast.ParenExpr:
		return defaultOf(x.X)
	}
	return nil
}
