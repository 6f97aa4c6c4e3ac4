package schema

import (
	"strings"

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
// written for a field that is a definition, a list of one, or a struct
// written inline, is walked in that struct's place.
func (s *Schema) Written(lit *ast.StructLit) []string {
	s.shapeOnce.Do(s.readShape)
	if s.structs == nil {
		return nil
	}
	var out []string
	s.walk(ReleasePath, lit, &out)
	return out
}

// walk records the fields lit writes at place, and walks on into the
// structs it writes.
func (s *Schema) walk(place string, lit *ast.StructLit, out *[]string) {
	schemaStruct := s.structs[place]
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
		if schemaStruct == nil {
			continue
		}
		target, list := s.targetOf(place, schemaStruct, name)
		if target == "" {
			continue
		}
		switch v := f.Value.(type) {
		case *ast.StructLit:
			if !list {
				s.walk(target, v, out)
			}
		case *ast.ListLit:
			if list {
				for _, e := range v.Elts {
					if el, ok := e.(*ast.StructLit); ok {
						s.walk(target, el, out)
					}
				}
			}
		}
	}
}

// targetOf is the place of the struct field name of the struct at place
// holds (or, when list, each element of its list holds), "" when it holds
// no struct of the schema's.
func (s *Schema) targetOf(place string, st *ast.StructLit, name string) (target string, list bool) {
	for _, d := range st.Elts {
		fd, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if _, pattern := fd.Label.(*ast.ListLit); pattern {
			// A map's pattern ([=~"^[a-z]+$"]: #StringMatch) holds each
			// field the map does not name.
			if id, ok := fd.Value.(*ast.Ident); ok && s.structs[id.Name] != nil && !names(st, name) {
				return id.Name, false
			}
			continue
		}
		if n, _, err := ast.LabelName(fd.Label); err != nil || n != name {
			continue
		}
		switch v := fd.Value.(type) {
		case *ast.StructLit:
			return place + "." + name, false
		case *ast.Ident:
			if s.structs[v.Name] != nil {
				return v.Name, false
			}
		case *ast.ListLit:
			if len(v.Elts) > 0 {
				if id, ok := v.Elts[0].(*ast.Ident); ok && s.structs[id.Name] != nil {
					return id.Name, true
				}
			}
		}
		return "", false
	}
	return "", false
}

// names reports whether st has a field called name.
func names(st *ast.StructLit, name string) bool {
	for _, d := range st.Elts {
		if fd, ok := d.(*ast.Field); ok {
			if n, _, err := ast.LabelName(fd.Label); err == nil && n == name {
				return true
			}
		}
	}
	return false
}

// readShape records every struct of the schema by place.
func (s *Schema) readShape() {
	f, err := parseSchema()
	if err != nil {
		return
	}
	s.structs = structsOf(f)
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
