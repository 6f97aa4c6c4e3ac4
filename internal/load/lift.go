package load

import (
	"encoding/json"
	"strconv"

	"cuelang.org/go/cue/ast"
	cueliteral "cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
	"github.com/rollspec/rollspec/release"
)

// The sections of a YAML or JSON release written in Kubernetes' shape
// (container and pod, the release's and each version's) are plain data
// the schema leaves open: CUE has nothing to check in them, yet building,
// unifying and exporting them was most of what a full pod section cost.
// They are lifted out of the syntax before CUE builds a release, kept as
// JSON, and handed to the release after it is decoded; internal/podcheck
// checks them against Kubernetes' types. A CUE spec's sections may be
// computed, so CUE builds them as it builds the rest.

// kubeFields are the fields lifted, at the release's top level and in
// each version.
var kubeFields = []string{"container", "pod"}

// versionFields are the fields holding a version.
var versionFields = []string{"stable", "candidate"}

// lifted is what was lifted out of one release's syntax.
type lifted struct {
	// json of each lifted field by its path: "pod", "stable.container".
	json map[string]json.RawMessage
	// fields lifted, by path, where positions under them are looked up.
	fields map[string]*ast.Field
}

// lift takes the Kubernetes-shaped sections out of doc, a release or a
// list (stream) of releases written in YAML or JSON, and records them in
// j.lifted by each release's syntax. A section that is not plain data
// stays for CUE to build.
func (j *job) lift(doc ast.Expr) {
	switch x := doc.(type) {
	case *ast.ListLit:
		for _, e := range x.Elts {
			j.lift(e)
		}
	case *ast.StructLit:
		l := &lifted{json: map[string]json.RawMessage{}, fields: map[string]*ast.Field{}}
		take(l, x, "", kubeFields)
		for _, f := range x.Elts {
			if fd, ok := f.(*ast.Field); ok {
				name, _, err := ast.LabelName(fd.Label)
				if v, ok := fd.Value.(*ast.StructLit); ok && err == nil && isVersion(name) {
					take(l, v, name+".", kubeFields)
				}
			}
		}
		if len(l.json) > 0 {
			if j.lifted == nil {
				j.lifted = map[*ast.StructLit]*lifted{}
			}
			j.lifted[x] = l
		}
	}
}

// take lifts the fields names of s that are plain data into l, their
// paths prefixed.
func take(l *lifted, s *ast.StructLit, prefix string, names []string) {
	keep := s.Elts[:0:0]
	for _, d := range s.Elts {
		f, ok := d.(*ast.Field)
		if ok {
			name, _, err := ast.LabelName(f.Label)
			if err == nil && contains(names, name) {
				if v, ok := plain(f.Value); ok {
					if b, err := json.Marshal(v); err == nil {
						l.json[prefix+name] = b
						l.fields[prefix+name] = f
						continue
					}
				}
			}
		}
		keep = append(keep, d)
	}
	s.Elts = keep
}

func isVersion(name string) bool { return contains(versionFields, name) }

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// plain is the value e writes when it is plain data — objects, lists,
// strings, numbers, booleans and null, as YAML and JSON write them — and
// false for anything CUE would have to evaluate.
func plain(e ast.Expr) (any, bool) {
	switch x := e.(type) {
	case *ast.StructLit:
		m := map[string]any{}
		for _, d := range x.Elts {
			f, ok := d.(*ast.Field)
			if !ok {
				return nil, false
			}
			name, _, err := ast.LabelName(f.Label)
			if err != nil {
				return nil, false
			}
			v, ok := plain(f.Value)
			if !ok {
				return nil, false
			}
			m[name] = v
		}
		return m, true
	case *ast.ListLit:
		l := make([]any, 0, len(x.Elts))
		for _, e := range x.Elts {
			v, ok := plain(e)
			if !ok {
				return nil, false
			}
			l = append(l, v)
		}
		return l, true
	case *ast.UnaryExpr:
		if n, ok := x.X.(*ast.BasicLit); ok && x.Op == token.SUB && (n.Kind == token.INT || n.Kind == token.FLOAT) {
			if v, ok := number(n.Value); ok {
				return json.Number("-" + string(v)), true
			}
		}
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			s, err := cueliteral.Unquote(x.Value)
			return s, err == nil
		case token.INT, token.FLOAT:
			return number(x.Value)
		case token.TRUE:
			return true, true
		case token.FALSE:
			return false, true
		case token.NULL:
			return nil, true
		}
	}
	return nil, false
}

// number is a YAML or JSON number literal as JSON writes it.
func number(s string) (json.Number, bool) {
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		return json.Number(strconv.FormatInt(i, 10)), true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), true
	}
	return "", false
}

// into hands the lifted sections to r, decoded from the rest of its
// release; nothing for nil.
func (l *lifted) into(r *release.Release) {
	if l == nil {
		return
	}
	r.Container, r.Pod = l.json["container"], l.json["pod"]
	for _, m := range r.Versions() {
		m.Version.Container, m.Version.Pod = l.json[m.Role+".container"], l.json[m.Role+".pod"]
	}
}
