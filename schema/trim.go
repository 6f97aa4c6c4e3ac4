package schema

import (
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// Trimmed returns #Release without its optional fields that written
// leaves out (and #Strategy without the strategies it leaves out: written
// names them as "strategy.canary"), built once per such set of fields in s's context. A release
// that writes only those fields is valid against it exactly when it is
// valid against #Release: a field it leaves out constrains nothing, and
// its required fields and defaults are all there. CUE pays for every
// field of a definition in each release unified with it, written or not;
// the trimmed one costs only what a release writes. Its messages are not
// #Release's (what is allowed lists fewer fields): validate with it only
// to find a release valid, and again with Release to explain a problem.
// ok is false when the schema cannot be trimmed, or is not yet worth it.
func (s *Schema) Trimmed(written []string) (v cue.Value, ok bool) {
	s.trimMu.Lock()
	defer s.trimMu.Unlock()
	// Building a trimmed definition costs about what validating a few
	// releases against the whole one does: it is built for the second
	// release that writes these fields, so that a process with one
	// release (a pre-commit hook, a single file) never pays for it, not
	// even for reading which fields are optional.
	asked := strings.Join(slices.Compact(slices.Sorted(slices.Values(written))), ",")
	if s.asked == nil {
		s.asked = map[string]bool{}
	}
	if !s.asked[asked] {
		if len(s.asked) < 16*maxTrimmed {
			s.asked[asked] = true
		}
		return cue.Value{}, false
	}
	s.trimOnce.Do(s.readOptional)
	if s.optional == nil {
		return cue.Value{}, false
	}
	var keep []string
	for _, name := range written {
		if s.optional[name] || s.defaulted[name] {
			keep = append(keep, name)
		}
	}
	slices.Sort(keep)
	key := strings.Join(slices.Compact(keep), ",")
	if v, ok := s.trimmed[key]; ok {
		return v, true
	}
	if len(s.trimmed) >= maxTrimmed {
		return cue.Value{}, false // many kinds of release: the whole schema serves the rest
	}
	f, err := parser.ParseFile(File, Source())
	if err != nil {
		return cue.Value{}, false
	}
	kept := map[string]bool{}
	for _, k := range keep {
		kept[k] = true
	}
	def := releaseStruct(f)
	if def == nil {
		return cue.Value{}, false
	}
	def.Elts = slices.DeleteFunc(def.Elts, func(d ast.Decl) bool {
		name, optional := fieldName(d)
		return optional && !kept[name]
	})
	for _, d := range def.Elts {
		// A field the release leaves out takes its default: the
		// disjunction CUE would weigh for it in every release is its
		// default alone.
		if name, _ := fieldName(d); s.defaulted[name] && !kept[name] {
			fd := d.(*ast.Field)
			fd.Value = defaultOf(fd.Value)
		}
	}
	if st := definition(f, strategyPath); st != nil {
		st.Elts = slices.DeleteFunc(st.Elts, func(d ast.Decl) bool {
			name, optional := fieldName(d)
			return optional && !kept[strategyField+name]
		})
	}
	v = s.Context.BuildFile(f).LookupPath(cue.ParsePath(ReleasePath))
	if v.Err() != nil {
		return cue.Value{}, false
	}
	if s.trimmed == nil {
		s.trimmed = map[string]cue.Value{}
	}
	s.trimmed[key] = v
	return v, true
}

// readOptional records #Release's optional fields.
func (s *Schema) readOptional() {
	f, err := parser.ParseFile(File, Source())
	if err != nil {
		return
	}
	def := releaseStruct(f)
	if def == nil {
		return
	}
	s.optional, s.defaulted = map[string]bool{}, map[string]bool{}
	for _, d := range def.Elts {
		name, optional := fieldName(d)
		if optional {
			s.optional[name] = true
		}
		if fd, ok := d.(*ast.Field); ok && !optional && defaultOf(fd.Value) != nil {
			s.defaulted[name] = true
		}
	}
	if st := definition(f, strategyPath); st != nil {
		for _, d := range st.Elts {
			if name, optional := fieldName(d); optional {
				s.optional[strategyField+name] = true
			}
		}
	}
}

// The strategies are the optional fields of #Strategy, which #Release's
// strategy field is.
const (
	strategyPath  = "#Strategy"
	strategyField = "strategy."
)

// releaseStruct is the struct #Release is defined as in f.
func releaseStruct(f *ast.File) *ast.StructLit { return definition(f, ReleasePath) }

// definition is the struct the definition named name is in f.
func definition(f *ast.File, name string) *ast.StructLit {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.Field); ok {
			if n, _, _ := ast.LabelName(fd.Label); n == name {
				s, _ := fd.Value.(*ast.StructLit)
				return s
			}
		}
	}
	return nil
}

// fieldName is d's field name and whether the field is optional (name?).
func fieldName(d ast.Decl) (string, bool) {
	fd, ok := d.(*ast.Field)
	if !ok {
		return "", false
	}
	name, _, err := ast.LabelName(fd.Label)
	return name, err == nil && fd.Constraint == token.OPTION
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

// maxTrimmed bounds the trimmed definitions one schema keeps: a process
// that reads many teams' specs meets many sets of fields.
const maxTrimmed = 64

// trimState is Schema's cache of trimmed definitions.
type trimState struct {
	trimOnce sync.Once
	optional map[string]bool
	// defaulted are #Release's required fields with a default (`*d | …`).
	defaulted map[string]bool
	trimMu    sync.Mutex
	trimmed   map[string]cue.Value // by the optional fields kept, joined
	asked     map[string]bool      // keys asked for once
}
