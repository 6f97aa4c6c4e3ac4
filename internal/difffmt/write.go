package difffmt

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/specdiff"
)

// Formats lists the formats Write takes, the default first.
var Formats = []string{"text", "markdown"}

// Write writes d to w in format (one of Formats).
func Write(w io.Writer, format string, d *specdiff.Diff) error {
	bw := bufio.NewWriter(w)
	switch format {
	case "", "text":
		text(bw, d)
	case "markdown":
		markdown(bw, d)
	default:
		return fmt.Errorf("format: unknown %q (allowed: %s)", format, strings.Join(Formats, ", "))
	}
	return bw.Flush()
}

// text writes d indented: a release a paragraph, its sections below it.
// Each line is terminal-safe (inert.Line): the values in it were
// escaped as the line was made; the line is again, whatever it holds.
func text(w *bufio.Writer, d *specdiff.Diff) {
	plain := strings.NewReplacer(code, "", value, "")
	line := func(s string) string { return inert.Line(plain.Replace(s)) }
	for _, r := range d.Releases {
		fmt.Fprintln(w, line(title(r)))
		for _, s := range sections(r) {
			head := "  " + s.name + ":"
			if s.note != "" {
				head += " " + s.note
			}
			if s.note == "" && len(s.lines) == 0 {
				continue
			}
			fmt.Fprintln(w, line(head))
			for _, l := range s.lines {
				fmt.Fprintln(w, "    "+line(l.text))
				for _, dt := range l.details {
					fmt.Fprintln(w, "        "+line(dt))
				}
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "releases: "+summary(d))
}

// literal is a list item's text with its start escaped where Markdown
// would read it as the start of a block — a list item of its own ("+ x",
// "- x": a nested list, added and removed alike), a numbered one ("1. x"),
// a heading, a quote — so that it renders as written.
func literal(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '+', '-', '#', '>', '=':
		return `\` + s
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// markdown writes d for a pull-request comment: a heading per release,
// its sections as lists, every value inert (package inert).
func markdown(w *bufio.Writer, d *specdiff.Diff) {
	// What a line marks as code is a code span, each value in the rest
	// text unless it could be markup.
	spans := func(s string) string {
		parts := strings.Split(s, code)
		for i := range parts {
			if i%2 == 1 {
				parts[i] = inert.Code(strings.ReplaceAll(parts[i], value, ""))
				continue
			}
			vs := strings.Split(parts[i], value)
			for j := 1; j < len(vs); j += 2 {
				vs[j] = inert.Text(vs[j])
			}
			parts[i] = strings.Join(vs, "")
		}
		return strings.Join(parts, "")
	}
	for _, r := range d.Releases {
		fmt.Fprintf(w, "### %s\n", spans(title(r)))
		for _, s := range sections(r) {
			if s.note == "" && len(s.lines) == 0 {
				continue
			}
			head := "\n**" + strings.ToUpper(s.name[:1]) + s.name[1:] + "**"
			if s.note != "" {
				head += ": " + spans(s.note)
			}
			fmt.Fprintln(w, head)
			if len(s.lines) > 0 {
				fmt.Fprintln(w)
			}
			for _, l := range s.lines {
				fmt.Fprintln(w, "- "+literal(spans(l.text)))
				for _, dt := range l.details {
					fmt.Fprintln(w, "  - "+literal(spans(dt)))
				}
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "_Releases: %s._\n", summary(d))
}
