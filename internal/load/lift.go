package load

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

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

// statefulSetField holds a StatefulSet's own fields, of which its claim
// templates (claimFields) are in Kubernetes' shape.
const statefulSetField = "statefulSet"

var claimFields = []string{"volumeClaimTemplates"}

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
		for name, fd := range namedFields(x) {
			if v, ok := fd.Value.(*ast.StructLit); ok {
				switch {
				case isVersion(name):
					take(l, v, name+".", kubeFields)
				case name == statefulSetField:
					take(l, v, name+".", claimFields)
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
				if b, ok := appendJSON(nil, f.Value); ok {
					l.json[prefix+name] = b
					l.fields[prefix+name] = f
					continue
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

// appendJSON appends to b the JSON of e when e is plain data — objects,
// lists, strings, numbers, booleans and null, as YAML and JSON write them
// — and reports false for anything CUE would have to evaluate.
func appendJSON(b []byte, e ast.Expr) ([]byte, bool) {
	switch x := e.(type) {
	case *ast.StructLit:
		b = append(b, '{')
		for i, d := range x.Elts {
			f, ok := d.(*ast.Field)
			if !ok {
				return nil, false
			}
			name, _, err := ast.LabelName(f.Label)
			if err != nil {
				return nil, false
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, name)
			b = append(b, ':')
			if b, ok = appendJSON(b, f.Value); !ok {
				return nil, false
			}
		}
		return append(b, '}'), true
	case *ast.ListLit:
		b = append(b, '[')
		for i, e := range x.Elts {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendJSON(b, e); !ok {
				return nil, false
			}
		}
		return append(b, ']'), true
	case *ast.UnaryExpr:
		if n, ok := x.X.(*ast.BasicLit); ok && x.Op == token.SUB && (n.Kind == token.INT || n.Kind == token.FLOAT) {
			if v, ok := number(n.Value); ok {
				return append(append(b, '-'), v...), true
			}
		}
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			s, err := cueliteral.Unquote(x.Value)
			return appendString(b, s), err == nil
		case token.INT, token.FLOAT:
			v, ok := number(x.Value)
			return append(b, v...), ok
		case token.TRUE:
			return append(b, "true"...), true
		case token.FALSE:
			return append(b, "false"...), true
		case token.NULL:
			return append(b, "null"...), true
		}
	}
	return nil, false
}

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD,
// as encoding/json writes it.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, "\\ufffd"...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
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
	if claims, ok := l.json[statefulSetField+"."+claimFields[0]]; ok {
		// Lifted, they are the release's even where another of the
		// StatefulSet's fields has a problem.
		if r.StatefulSet == nil {
			r.StatefulSet = &release.StatefulSet{}
		}
		r.StatefulSet.VolumeClaimTemplates = claims
	}
	for _, m := range r.Versions() {
		m.Version.Container, m.Version.Pod = l.json[m.Role+".container"], l.json[m.Role+".pod"]
	}
}
