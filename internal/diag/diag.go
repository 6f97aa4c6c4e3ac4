package diag

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/inert"
)

// Severity tells whether a diagnostic stops compilation.
type Severity int

// Severities, the zero value an error: a diagnostic built without one
// stops compilation.
const (
	// Error stops compilation: nothing is written.
	Error Severity = iota
	// Warning is reported, and the compiled objects are used.
	Warning
)

// String is the severity as printed before a warning's line.
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem in a spec: where, which field, what is wrong
// and whether it stops compilation. It implements cue/errors.Error so it
// travels in CUE error lists.
type Diagnostic struct {
	Severity Severity
	Pos      token.Pos
	Field    string // field path inside the release, e.g. "ports[0].containerPort"
	Text     string // what is wrong and what is allowed; {0}, {1}… stand for Refs
	// Refs are other places the problem involves (the other side of a
	// conflict); Print writes them into Text as file:line:col, relative to
	// the working directory like Pos.
	Refs []token.Pos
}

var _ errors.Error = (*Diagnostic)(nil)

// Error formats the problem without its position.
func (e *Diagnostic) Error() string { return e.format("") }

// format is Error with Refs relative to cwd.
func (e *Diagnostic) format(cwd string) string {
	if e.Field == "" {
		return e.Message(cwd)
	}
	// A field may quote a key of any length, holding any character.
	return inert.Line(shorten(e.Field)) + ": " + e.Message(cwd)
}

// Message is Text with its Refs written in as file:line:col, relative to
// cwd when cwd is not empty, on one line: a line break or another
// character that does not show, which a message may quote (a user's
// regex, a header's value), is written as its escape (\n, \x1b; see
// package inert).
func (e *Diagnostic) Message(cwd string) string {
	text := inert.Line(shorten(e.Text))
	for i, p := range e.Refs {
		text = strings.ReplaceAll(text, fmt.Sprintf("{%d}", i), strings.TrimSuffix(FormatPos(p, cwd), ": "))
	}
	return text
}

// Position returns where the problem is.
func (e *Diagnostic) Position() token.Pos { return e.Pos }

// InputPositions returns the position as the only input position.
func (e *Diagnostic) InputPositions() []token.Pos { return []token.Pos{e.Pos} }

// Path returns the field path split into elements.
func (e *Diagnostic) Path() []string {
	if e.Field == "" {
		return nil
	}
	return []string{e.Field}
}

// Msg returns the message for cue/errors printing.
func (e *Diagnostic) Msg() (string, []any) { return "%s", []any{e.Error()} }

// List is a set of problems, sorted by position when printed.
type List []*Diagnostic

// Error joins the problems one per line.
func (l List) Error() string {
	var b strings.Builder
	Print(&b, l, "")
	return strings.TrimSuffix(b.String(), "\n")
}

// Split separates the problems that stop compilation from the warnings,
// each in l's order.
func (l List) Split() (errs, warns List) {
	for _, d := range l {
		if d.Severity == Warning {
			warns = append(warns, d)
		} else {
			errs = append(errs, d)
		}
	}
	return errs, warns
}

// Errors returns each problem as a cue/errors.Error.
func (l List) Errors() []errors.Error {
	out := make([]errors.Error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Sort orders problems by file, line, column, then field, and drops exact
// duplicates.
func (l List) Sort() List {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Filename() != b.Filename() {
			return a.Filename() < b.Filename()
		}
		if a.Line() != b.Line() {
			return a.Line() < b.Line()
		}
		if a.Column() != b.Column() {
			return a.Column() < b.Column()
		}
		return l[i].Error() < l[j].Error()
	})
	out := l[:0]
	for i, e := range l {
		if i > 0 && SamePlace(e.Pos, l[i-1].Pos) && e.Error() == l[i-1].Error() {
			continue
		}
		out = append(out, e)
	}
	return out
}

// SamePlace reports whether a and b point at the same file, line and
// column (CUE may report one problem twice, once per conjunct, with
// positions that differ only in their internals).
func SamePlace(a, b token.Pos) bool {
	return a.Filename() == b.Filename() && a.Line() == b.Line() && a.Column() == b.Column()
}

// Print writes each problem of err on one line as
// `file:line:col: field.path: message` (a warning's line starts with
// "warning: "), file names relative to cwd when
// cwd is not empty. Errors that are not positioned print their message.
func Print(w io.Writer, err error, cwd string) {
	if err == nil {
		return
	}
	var list List
	switch e := err.(type) {
	case List:
		list = e
	case *Diagnostic:
		list = List{e}
	default:
		for _, ce := range errors.Errors(err) {
			list = append(list, &Diagnostic{Pos: ce.Position(), Text: ce.Error()})
		}
		if len(list) == 0 {
			fmt.Fprintln(w, inert.Lines(err.Error()))
			return
		}
	}
	for _, e := range list.Sort() {
		fmt.Fprintln(w, e.Line(cwd))
	}
}

// Line is the line Print writes for e: `file:line:col: field.path:
// message`, starting with "warning: " for a warning.
func (e *Diagnostic) Line(cwd string) string {
	prefix := ""
	if e.Severity == Warning {
		prefix = "warning: "
	}
	return prefix + FormatPos(e.Pos, cwd) + e.format(cwd)
}

// FormatPos renders pos as "file:line:col: " (or "file: " when only the
// file is known), with file relative to cwd when that is shorter, and
// the characters of its name that do not show escaped (package inert).
func FormatPos(pos token.Pos, cwd string) string {
	if !pos.IsValid() && pos.Filename() == "" {
		return ""
	}
	name := pos.Filename()
	if cwd != "" && filepath.IsAbs(name) {
		if rel, err := filepath.Rel(cwd, name); err == nil && !strings.HasPrefix(rel, "..") {
			name = rel
		}
	}
	name = inert.Line(name)
	if pos.Line() == 0 {
		return name + ": "
	}
	return fmt.Sprintf("%s:%d:%d: ", name, pos.Line(), pos.Column())
}

// maxQuote is the longest quoted value a message repeats whole; a longer
// one (a 10 MB string a spec got wrong) is shortened to its start and end.
const maxQuote = 120

// shorten cuts each long quoted value in text to its start and end,
// saying how long it was, and the whole text to maxLine.
func shorten(text string) string {
	if len(text) <= maxQuote {
		return text
	}
	var b strings.Builder
	for {
		start := strings.IndexByte(text, '"')
		if start < 0 {
			break
		}
		end := start + 1
		for end < len(text) && text[end] != '"' {
			if text[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(text) {
			break // no closing quote: not a quoted value
		}
		b.WriteString(text[:start])
		if q := text[start : end+1]; len(q) > maxQuote {
			head, tail := q[:maxQuote/2], q[len(q)-maxQuote/4:]
			for !utf8.ValidString(head) {
				head = head[:len(head)-1]
			}
			for !utf8.ValidString(tail) {
				tail = tail[1:]
			}
			fmt.Fprintf(&b, "%s…%s (%d bytes)", head, tail, len(q)-2)
		} else {
			b.WriteString(q)
		}
		text = text[end+1:]
	}
	b.WriteString(text)
	text = b.String()
	if len(text) > maxLine {
		cut := text[:maxLine]
		for !utf8.ValidString(cut) {
			cut = cut[:len(cut)-1]
		}
		text = fmt.Sprintf("%s… (%d bytes)", cut, len(text))
	}
	return text
}

// maxLine is the longest message printed whole.
const maxLine = 4096

// FileOnly is a position naming only the file: a problem of the whole
// file, or of a file whose positions are no longer known.
func FileOnly(path string) token.Pos {
	return token.NewFile(path, -1, 0).Pos(0, token.NoRelPos)
}

// Count writes n of noun for a message: "1 pod", "3 pods".
func Count[N ~int | ~int32 | ~int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
