package specedit

import (
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
)

// Release is one release's source: its mapping in one file, or its
// mappings in the files of a CUE package that each write some of it.
type Release struct {
	parts []*mapping
}

// find is the one field written at path, nil when none is; a field
// written twice, or a path through a value that is not a mapping, is an
// error.
func (r *Release) find(path []string) (*field, error) {
	var found []*field
	var blocked *field
	for _, p := range r.parts {
		fs, b := p.lookup(path)
		found = append(found, fs...)
		if blocked == nil {
			blocked = b
		}
	}
	switch {
	case len(found) > 1:
		f := found[1]
		d := f.owner.doc.problem(f.key, path, "written in more than one place, here and at {0}, so which to edit is unclear (allowed: the field written once, in one file of the package; or edit each place by hand)")
		d.Refs = []token.Pos{found[0].owner.doc.pos(found[0].key)}
		return nil, d
	case len(found) == 1:
		return found[0], nil
	case blocked != nil:
		return nil, blocked.owner.doc.problem(blocked.key, path, "%s is not written as a mapping here, so %s cannot be edited (allowed: a literal {…})", blocked.name, Join(path))
	}
	return nil, nil
}

// Value is the scalar written at path, and whether one is.
func (r *Release) Value(path []string) (string, bool) {
	f, err := r.find(path)
	if err != nil || f == nil || !f.scalar {
		return "", false
	}
	return f.text(), true
}

// Has reports whether a field is written at path.
func (r *Release) Has(path []string) bool {
	ok, err := r.Written(path)
	return err == nil && ok
}

// Written reports whether a field is written at path; an error when it
// is written in more than one place (two files of a CUE package), or
// the path leads through a value that is not a mapping.
func (r *Release) Written(path []string) (bool, error) {
	f, err := r.find(path)
	return f != nil, err
}

// Set writes the scalar v (a string, an int or a bool) at path: replaces
// the value's bytes when the field is written, or adds the field (and
// the mappings leading to it) after the last field of the deepest
// mapping written on the way.
func (r *Release) Set(path []string, v any) error { return r.SetAfter(path, v, "") }

// SetAfter is Set, adding a field not written after its sibling named
// after (when written).
func (r *Release) SetAfter(path []string, v any, after string) error {
	f, err := r.find(path)
	if err != nil {
		return err
	}
	if f == nil {
		return r.Insert(path, v, after)
	}
	d := f.owner.doc
	if f.computed != "" || !f.scalar {
		what := "not a scalar"
		if f.computed != "" {
			what = "computed from " + f.computed + ", not a literal"
		}
		return d.problem(f.val, path, "is %s: edit it where its value is decided (allowed: a literal such as %s)", what, scalar(d.format, v, false))
	}
	d.edits = append(d.edits, splice{f.val, f.valEnd, scalar(d.format, v, !f.quoted)})
	return nil
}

// Insert adds the field at path with v (a scalar or a Map), after its
// sibling named after when written (else after the last field), in the
// style of its neighbours; mappings of path not written yet are added
// with it. A field already written is an error.
func (r *Release) Insert(path []string, v any, after string) error {
	if f, err := r.find(path); err != nil || f != nil {
		if err == nil {
			err = f.owner.doc.problem(f.key, path, "is already written")
		}
		return err
	}
	// The mapping to add to: the deepest one of path written, preferring
	// a part that writes the sibling.
	var m *mapping
	n := -1
	for _, p := range r.parts {
		d, k := p.deepest(path)
		if k > n || k == n && after != "" && d.field(after) != nil && m.field(after) == nil {
			m, n = d, k
		}
	}
	chain := path[n:]
	if m.doc.format == CUE {
		// CUE's own shorthand for the mappings on the way: a: b: c: v.
		return m.insert(chain, v, after)
	}
	for i := len(chain) - 1; i > 0; i-- {
		v = Map{{chain[i], v}}
	}
	return m.insert(chain[:1], v, after)
}

// insert adds the field chain: v to m, after the field after or the last.
func (m *mapping) insert(chain []string, v any, after string) error {
	d := m.doc
	inner := m.style(m.sibling(after), v)
	// A CUE struct written without braces (a: b: c: 1) takes no new line:
	// the field goes beside the enclosing one as a: b: new: v, laid out
	// as its sibling inside is.
	for d.format == CUE && !m.flow && m.parent != nil {
		chain = append([]string{m.parent.name}, chain...)
		after = m.parent.name
		m = m.parent.owner
	}
	sib := m.sibling(after)
	st := m.style(sib, v)
	st.block, st.multiline, st.like, st.unit = inner.block, inner.multiline, inner.like, inner.unit
	switch {
	case sib == nil && m.flow:
		st.multiline = false
		d.edits = append(d.edits, splice{m.open + 1, m.close, st.field(d.format, chain, v)})
	case sib == nil && m.parent != nil:
		// key: with no value: the new field is its first, one level in.
		st.indent = strings.Repeat(" ", m.parent.key-lineStart(d.src, m.parent.key)) + d.unit()
		d.edits = append(d.edits, splice{m.parent.val, m.parent.val, "\n" + st.indent + st.field(d.format, chain, v)})
	case sib == nil:
		d.edits = append(d.edits, splice{len(d.src), len(d.src), st.field(d.format, chain, v) + "\n"})
	case d.format == YAML && !m.flow || startsLine(d.src, sib.key) && restOfLine(d.src, d.format, sib.end):
		text := st.field(d.format, chain, v)
		if d.format == JSON || m.flow && d.format == YAML {
			// After the sibling's line, so that a comment ending it stays
			// with it; the comma that separates them after the sibling.
			c, at := skipSpace(d.src, sib.end), lineEnd(d.src, sib.end)
			switch {
			case c < len(d.src) && d.src[c] == ',' && c < at:
				d.edits = append(d.edits, splice{at, at, "\n" + st.indent + text + ","})
			case c < len(d.src) && d.src[c] == ',':
				d.edits = append(d.edits, splice{c + 1, c + 1, "\n" + st.indent + text + ","})
			default:
				d.edits = append(d.edits, splice{sib.end, sib.end, ","}, splice{at, at, "\n" + st.indent + text})
			}
			return nil
		}
		at := lineEnd(d.src, sib.end)
		d.edits = append(d.edits, splice{at, at, "\n" + st.indent + text})
	default:
		st.multiline = false
		d.edits = append(d.edits, splice{sib.end, sib.end, ", " + st.field(d.format, chain, v)})
	}
	return nil
}

// sibling is the field named after, or else the last one; nil in an
// empty mapping.
func (m *mapping) sibling(after string) *field {
	if f := m.field(after); f != nil {
		return f
	}
	if len(m.fields) > 0 {
		return m.fields[len(m.fields)-1]
	}
	return nil
}

// style is how a field added to m after sib is written: at sib's
// indentation, a mapping laid out as sib's value is (else as m).
func (m *mapping) style(sib *field, v any) style {
	d := m.doc
	st := style{unit: d.unit()}
	like := m
	if sib != nil {
		st.indent = indentAt(d.src, sib.key)
		if d.format == YAML && !m.flow {
			st.indent = strings.Repeat(" ", sib.key-lineStart(d.src, sib.key))
		}
		if sib.m != nil {
			like = sib.m
		}
	}
	if _, ok := v.(Map); ok {
		st.like = like
	}
	st.block = d.format == YAML && !like.flow
	st.multiline = like.multiline() || d.format == CUE && !like.flow
	if len(like.fields) > 0 && like.parent != nil {
		first, parent := like.fields[0], like.parent
		if lineStart(d.src, first.key) != lineStart(d.src, parent.key) {
			in := d.src[lineStart(d.src, first.key):first.key]
			if outer := indentAt(d.src, parent.key); strings.HasPrefix(string(in), outer) && len(in) > len(outer) {
				st.unit = string(in[len(outer):])
			}
		}
	}
	return st
}

// unit is one level of the file's indentation: its first indented line's
// whitespace, two spaces if none.
func (d *Doc) unit() string {
	for _, s := range d.lines {
		if in := indentAt(d.src, s); in != "" && !blank(d.src, s) {
			if in[0] == '\t' {
				return "\t"
			}
			return in
		}
	}
	return "  "
}

// Delete removes the field at path with its whole value and its own
// comment lines; in a flow mapping, with the comma that separates it.
func (r *Release) Delete(path []string) error {
	f, err := r.find(path)
	if err != nil {
		return err
	}
	if f == nil {
		return fmt.Errorf("%s: not written", Join(path))
	}
	// The last field of a CUE struct without braces goes with its key.
	for f.owner.doc.format == CUE && !f.owner.flow && f.owner.parent != nil && len(f.owner.fields) == 1 {
		f = f.owner.parent
	}
	f.delete()
	return nil
}

func (f *field) delete() {
	m, d := f.owner, f.owner.doc
	src := d.src
	i := 0
	for m.fields[i] != f {
		i++
	}
	if startsLine(src, f.key) && restOfLine(src, d.format, f.end) {
		s := headComments(src, d.format, lineStart(src, f.key))
		e := nextLine(src, f.end)
		if s > 0 && blank(src, lineStart(src, s-1)) && (e == len(src) || blank(src, e)) {
			for e < len(src) && blank(src, e) {
				e = nextLine(src, e)
			}
		}
		if (d.format == JSON || m.flow && d.format == YAML) && i == len(m.fields)-1 && i > 0 {
			prev := m.fields[i-1]
			if c := skipSpace(src, prev.end); c < s && src[c] == ',' {
				d.edits = append(d.edits, splice{c, c + 1, ""})
			}
		}
		d.edits = append(d.edits, splice{s, e, ""})
		return
	}
	// Fields on one line: neighbours deleted go as one cut, so that their
	// separators are cut once (an overlap otherwise).
	old := m.cuts()
	d.edits = slices.DeleteFunc(d.edits, func(e splice) bool {
		if slices.Contains(old, e) {
			d.undone++
			return true
		}
		return false
	})
	f.deleted = true
	d.edits = append(d.edits, m.cuts()...)
}

// cuts are the edits deleting m's fields deleted on their line: each run
// of neighbours with the separator after it, or, a run ending m, the
// separator before it.
func (m *mapping) cuts() []splice {
	var cs []splice
	fs := m.fields
	for a := 0; a < len(fs); a++ {
		if !fs[a].deleted {
			continue
		}
		b := a
		for b+1 < len(fs) && fs[b+1].deleted {
			b++
		}
		switch {
		case b < len(fs)-1:
			cs = append(cs, splice{fs[a].key, fs[b+1].key, ""})
		case a > 0:
			cs = append(cs, splice{fs[a-1].end, fs[b].end, ""})
		default:
			cs = append(cs, splice{fs[a].key, fs[b].end, ""})
		}
		a = b
	}
	return cs
}

// Rename gives the field at path the key name, its value unchanged.
func (r *Release) Rename(path []string, name string) error {
	f, err := r.find(path)
	if err != nil {
		return err
	}
	if f == nil {
		return fmt.Errorf("%s: not written", Join(path))
	}
	d := f.owner.doc
	d.edits = append(d.edits, splice{f.key, f.keyEnd, key(d.format, name, f.quoted && d.format == YAML)})
	return nil
}

// Problem is a positioned error about the field at path, at the field
// (or the closest enclosing field written).
func (r *Release) Problem(path []string, format string, args ...any) *diag.Diagnostic {
	for n := len(path); n > 0; n-- {
		if f, err := r.find(path[:n]); err == nil && f != nil {
			return f.owner.doc.problem(f.key, path, format, args...)
		}
	}
	p := r.parts[0]
	off := 0
	if p.flow {
		off = p.open
	} else if len(p.fields) > 0 {
		off = p.fields[0].key
	}
	return p.doc.problem(off, path, format, args...)
}
