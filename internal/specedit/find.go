package specedit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Find locates the release called name (in namespace, when the file
// writes one) among the mappings of docs: a YAML or JSON document or list
// entry whose name is name, a CUE file's `releases: <name>: {…}`, or the
// top level of CUE files that write one release.
func Find(docs []*Doc, name, namespace string) (*Release, error) {
	r := &Release{}
	// A CUE package writes its releases under releases, or is one.
	set := false
	for _, d := range docs {
		for _, root := range d.roots {
			set = set || d.format == CUE && root.field("releases") != nil
		}
	}
	for _, d := range docs {
		for _, root := range d.roots {
			if d.format != CUE {
				refused := root.refused
				if spec := root.field("spec"); spec != nil && spec.m != nil && root.field("name") == nil {
					root = spec.m // a rollspec Release object holds its spec under spec
				}
				if named(root, name, namespace) && refused != nil {
					return nil, refused
				}
				if named(root, name, namespace) {
					r.parts = append(r.parts, root)
				}
				continue
			}
			if rs, _ := root.lookup([]string{"releases"}); len(rs) > 0 {
				for _, set := range rs {
					if set.m == nil {
						continue
					}
					for _, f := range set.m.fields {
						if f.m != nil && (f.name == name && f.m.field("name") == nil || named(f.m, name, namespace)) {
							r.parts = append(r.parts, f.m)
						}
					}
				}
				continue
			}
			if !set {
				r.parts = append(r.parts, root)
			}
		}
	}
	if len(r.parts) == 0 {
		return nil, fmt.Errorf("release %s/%s: not found in the source", namespace, name)
	}
	return r, nil
}

// named reports whether m writes the name name and, if it writes one,
// the namespace namespace.
func named(m *mapping, name, namespace string) bool {
	n, ns := m.field("name"), m.field("namespace")
	return n != nil && n.scalar && n.text() == name && (ns == nil || !ns.scalar || ns.text() == namespace)
}

// text is a scalar's value, unquoted.
func (f *field) text() string {
	raw := string(f.owner.doc.src[f.val:f.valEnd])
	switch {
	case strings.HasPrefix(raw, `"`):
		if s, err := strconv.Unquote(raw); err == nil {
			return s
		}
	case strings.HasPrefix(raw, "'"):
		return strings.ReplaceAll(strings.Trim(raw, "'"), "''", "'")
	}
	return raw
}

// Split is a field path as cue.Path writes it (strategy.canary.step,
// env."MY-KEY") in names; a list index is refused.
func Split(path string) ([]string, error) {
	var names []string
	for path != "" {
		var name string
		if path[0] == '"' {
			end := quoteEnd([]byte(path), 0)
			s, err := strconv.Unquote(path[:end])
			if err != nil {
				return nil, fmt.Errorf("field path %s: %w", path, err)
			}
			name, path = s, path[end:]
		} else {
			i := strings.IndexAny(path, ".[")
			if i < 0 {
				i = len(path)
			}
			name, path = path[:i], path[i:]
		}
		if strings.HasPrefix(path, "[") {
			return nil, fmt.Errorf("field path %s: a list entry cannot be edited", path)
		}
		names = append(names, name)
		path = strings.TrimPrefix(path, ".")
	}
	return names, nil
}

// Declares reports whether d writes a field called name whose key or
// value starts at offset: where a loader's position of a field points;
// byDefault when its value is a CUE default (*1 | int), which a release's
// own value overrides.
func (d *Doc) Declares(offset int, name string) (declared, byDefault bool) {
	var walk func(m *mapping) *field
	walk = func(m *mapping) *field {
		for _, f := range m.fields {
			if f.name == name && (f.key == offset || f.val == offset) {
				return f
			}
			if f.m != nil {
				if g := walk(f.m); g != nil {
					return g
				}
			}
		}
		return nil
	}
	for _, m := range append(slices.Clone(d.roots), d.shared...) {
		if f := walk(m); f != nil {
			return true, f.byDefault
		}
	}
	return false, false
}
