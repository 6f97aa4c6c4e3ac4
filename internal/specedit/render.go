package specedit

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Map is a mapping to insert, its entries in the order written.
type Map []Entry

// Entry is one key of a Map; Value is a string, an int, a bool, a Map
// or a field Copied from the release.
type Entry struct {
	Key   string
	Value any
}

// style is how a new field is written: its key's line indentation, one
// more level of indentation, and how a mapping value is laid out.
type style struct {
	block     bool // a YAML block mapping
	multiline bool // a flow mapping over several lines
	indent    string
	unit      string
	like      *mapping // the mapping whose scalars' quoting new ones follow
}

// The patterns are compiled when an edit first needs them: every run of
// rollspec carries this package, few edit.
var (
	yamlPlain = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._/-]*$`) })
	yamlWords = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true, "null": true, "y": true, "n": true}
	cueIdent  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z$][A-Za-z0-9_$]*$`) })
	cueWords  = map[string]bool{"true": true, "false": true, "null": true, "_": true, "if": true, "for": true, "in": true, "let": true, "import": true, "package": true}
)

// quote writes s as a double-quoted string, which JSON, CUE and YAML all
// read alike.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// key writes a key in f's syntax; a YAML key keeps its quotes if quoted.
func key(f Format, k string, quoted bool) string {
	switch {
	case f == JSON:
		return quote(k)
	case f == CUE && (!cueIdent().MatchString(k) || cueWords[k]):
		return quote(k)
	case f == YAML && (quoted || !yamlPlain().MatchString(k) || yamlWords[strings.ToLower(k)]):
		return quote(k)
	}
	return k
}

// scalar writes v in f's syntax; a YAML string is plain when plain allows
// it and YAML would read it back as the same string.
func scalar(f Format, v any, plain bool) string {
	switch v := v.(type) {
	case string:
		if f == YAML && plain && yamlPlain().MatchString(v) && !yamlWords[strings.ToLower(v)] {
			return v
		}
		return quote(v)
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	}
	panic(fmt.Sprintf("specedit: cannot write a %T", v))
}

// plainLike reports whether a new scalar under key may be plain: unless
// the like mapping writes the same key quoted.
func (st style) plainLike(k string) bool {
	if st.like != nil {
		if f := st.like.field(k); f != nil && f.scalar {
			return !f.quoted
		}
	}
	return true
}

// field writes chain (the key, or CUE's a: b: keys of a field added to a
// struct written without braces) and v in f's syntax and st's layout;
// lines after the first start with st.indent.
func (st style) field(f Format, chain []string, v any) string {
	var keys []string
	for _, k := range chain {
		keys = append(keys, key(f, k, false))
	}
	return strings.Join(keys, ": ") + ":" + st.value(f, chain[len(chain)-1], v, st.indent)
}

// value writes v after its key's colon, indent being its key's line's.
func (st style) value(f Format, k string, v any, indent string) string {
	if c, ok := v.(Copied); ok {
		return c.at(indent)
	}
	m, ok := v.(Map)
	if !ok {
		return " " + scalar(f, v, st.plainLike(k))
	}
	if len(m) == 0 {
		return " {}"
	}
	inner := indent + st.unit
	var parts []string
	for _, e := range m {
		parts = append(parts, key(f, e.Key, false)+":"+st.value(f, e.Key, e.Value, inner))
	}
	switch {
	case st.block:
		return "\n" + inner + strings.Join(parts, "\n"+inner)
	case st.multiline && f == CUE:
		return " {\n" + inner + strings.Join(parts, "\n"+inner) + "\n" + indent + "}"
	case st.multiline:
		return " {\n" + inner + strings.Join(parts, ",\n"+inner) + "\n" + indent + "}"
	}
	return " {" + strings.Join(parts, ", ") + "}"
}
