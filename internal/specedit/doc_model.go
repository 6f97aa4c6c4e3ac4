package specedit

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
)

// Format is a spec file's syntax.
type Format int

// Formats, picked by a file's extension.
const (
	YAML Format = iota
	JSON
	CUE
)

// FormatOf is the format of a file by its extension: .json, .cue, else
// YAML.
func FormatOf(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return JSON
	case ".cue":
		return CUE
	}
	return YAML
}

// Doc is one source file being edited: its text, parsed, and the edits
// made to it so far, applied by Result.
type Doc struct {
	// Name is the file's name, as positions print it.
	Name   string
	src    []byte
	format Format
	// roots are the mappings that may be releases: each YAML document (or
	// each mapping of a document's list), each JSON value, a CUE file's
	// top level.
	roots []*mapping
	// shared are the mappings of CUE patterns ([Name=string]: {…}),
	// which write fields for many releases.
	shared []*mapping
	edits  []splice
	// undone counts edits replaced by others (cuts), so that Edits only
	// grows.
	undone int
	file   *token.File
	lines  []int // the offset of each line's start
}

// splice replaces src[start:end] by text.
type splice struct {
	start, end int
	text       string
}

// mapping is a mapping (YAML), object (JSON) or struct (CUE) as written.
type mapping struct {
	doc *Doc
	// flow mappings are written between braces: YAML's flow style, every
	// JSON object, a CUE struct literal. A YAML block mapping, a CUE
	// file's top level and a CUE struct without braces (a: b: 1) are not.
	flow        bool
	open, close int // offsets of '{' and '}' when flow
	fields      []*field
	// parent is the field whose value this is, nil at a root.
	parent *field
	// refused is why a root cannot be edited (a YAML anchor in its
	// document), nil when it can.
	refused *diag.Diagnostic
}

// field is one key and its value.
type field struct {
	name     string
	key, end int // the key's first byte; the end of the value (block YAML: of its last line's content)
	keyEnd   int
	val      int // the value's first byte
	valEnd   int // the end of a scalar's bytes
	m        *mapping
	scalar   bool   // a literal scalar, which Set may replace
	quoted   bool   // the scalar or key is written in quotes
	null     bool   // a YAML key with no value at all (key:)
	computed string // why the value is not a literal (CUE), "" when it is
	// byDefault: a CUE value written with a default (*1 | int), which a
	// release's own value overrides rather than conflicts with.
	byDefault bool
	owner     *mapping
	// deleted: deleted on its line, by a cut of its mapping's (cuts).
	deleted bool
}

// Parse parses one spec file for editing; its extension picks the format.
func Parse(name string, src []byte) (*Doc, error) {
	d := &Doc{Name: name, src: src, format: FormatOf(name)}
	d.file = token.NewFile(name, -1, len(src))
	d.file.SetLinesForContent(src)
	d.lines = []int{0}
	for i, c := range src {
		if c == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	var err error
	if d.format == YAML {
		err = d.parseYAML()
	} else {
		err = d.parseCUE()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

// pos is the position of offset off, for messages.
func (d *Doc) pos(off int) token.Pos { return d.file.Pos(off, token.NoRelPos) }

// problem is a positioned error at off about the field at path.
func (d *Doc) problem(off int, path []string, format string, args ...any) *diag.Diagnostic {
	return &diag.Diagnostic{Pos: d.pos(off), Field: Join(path), Text: fmt.Sprintf(format, args...)}
}

// Edits is how many edits were made to the file.
func (d *Doc) Edits() int { return len(d.edits) + d.undone }

// Result is the file's text with every edit applied, and whether any was
// made.
func (d *Doc) Result() ([]byte, bool, error) {
	if len(d.edits) == 0 {
		return d.src, false, nil
	}
	es := slices.Clone(d.edits)
	// By start; at one offset, what is inserted before what is replaced.
	slices.SortStableFunc(es, func(a, b splice) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return (a.end - a.start) - (b.end - b.start)
	})
	crlf := bytes.Contains(d.src, []byte("\r\n"))
	var out bytes.Buffer
	at := 0
	for _, e := range es {
		if e.start < at {
			return nil, false, fmt.Errorf("%s: two edits overlap at byte %d", d.Name, e.start)
		}
		out.Write(d.src[at:e.start])
		if crlf { // new lines end as the file's do
			e.text = strings.ReplaceAll(e.text, "\n", "\r\n")
		}
		out.WriteString(e.text)
		at = e.end
	}
	out.Write(d.src[at:])
	return out.Bytes(), true, nil
}

// Join writes a field path as diagnostics do: strategy.canary.step.
func Join(path []string) string { return strings.Join(path, ".") }

// lookup finds the fields at path below m, through every field of each
// name (a CUE struct may write a name twice); a value on the way that is
// not a mapping is returned as the last field found, with the rest of the
// path not found.
func (m *mapping) lookup(path []string) (found []*field, blocked *field) {
	for _, f := range m.fields {
		if f.name != path[0] {
			continue
		}
		if len(path) == 1 {
			found = append(found, f)
			continue
		}
		if f.m == nil {
			if blocked == nil && !f.null {
				blocked = f
			}
			continue
		}
		fs, b := f.m.lookup(path[1:])
		found = append(found, fs...)
		if blocked == nil {
			blocked = b
		}
	}
	return found, blocked
}

// deepest is the deepest mapping at a prefix of path below m (m itself
// when no field of path[0] is a mapping), and how many names of path it
// took; a brace-less CUE struct counts, as a field may be added to it.
func (m *mapping) deepest(path []string) (*mapping, int) {
	best, n := m, 0
	for _, f := range m.fields {
		if f.name == path[0] && f.m != nil && len(path) > 1 {
			if d, k := f.m.deepest(path[1:]); k+1 > n {
				best, n = d, k+1
			}
		}
	}
	return best, n
}

// field is the field named name directly in m, the last one written.
func (m *mapping) field(name string) *field {
	var last *field
	for _, f := range m.fields {
		if f.name == name {
			last = f
		}
	}
	return last
}

// multiline reports whether a flow mapping spans several lines.
func (m *mapping) multiline() bool {
	return m.flow && bytes.IndexByte(m.doc.src[m.open:m.close], '\n') >= 0
}
