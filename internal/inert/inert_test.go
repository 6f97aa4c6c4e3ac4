package inert_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/testmd"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct{ name, in, line, lines string }{
		{"printable text as it is", `v1.2 ×2 · "a\d+" → ≤5 'x'`, `v1.2 ×2 · "a\d+" → ≤5 'x'`, `v1.2 ×2 · "a\d+" → ≤5 'x'`},
		{"line breaks and tabs: escaped on a line, kept in lines", "a\nb\tc", `a\nb\tc`, "a\nb\tc"},
		{"CR, ESC, OSC, BEL, NUL, DEL", "a\r\x1b[31m\x1b]0;t\x07\x00\x7f", `a\r\x1b[31m\x1b]0;t\a\x00\x7f`, `a\r\x1b[31m\x1b]0;t\a\x00\x7f`},
		{"C1 controls", "a\u0085\u009bb", `a\u0085\u009bb`, `a\u0085\u009bb`},
		{"line and paragraph separators", "a\u2028b\u2029", `a\u2028b\u2029`, `a\u2028b\u2029`},
		{"bidi overrides and isolates, zero width", "\u202eab\u2066\u200b\u200f\ufeff", `\u202eab\u2066\u200b\u200f\ufeff`, `\u202eab\u2066\u200b\u200f\ufeff`},
		{"bytes that are not UTF-8, a C1 byte too", "a\xff\x9bb\xe2\x80", `a\xff\x9bb\xe2\x80`, `a\xff\x9bb\xe2\x80`},
		{"a unit separator", "a\x1fb", `a\x1fb`, `a\x1fb`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := inert.Line(tc.in); got != tc.line {
				t.Errorf("Line = %q, want %q", got, tc.line)
			}
			if got := inert.Lines(tc.in); got != tc.lines {
				t.Errorf("Lines = %q, want %q", got, tc.lines)
			}
			if got := inert.Line(inert.Line(tc.in)); got != tc.line {
				t.Errorf("Line twice = %q, want once's %q", got, tc.line)
			}
		})
	}
}

// TestWriter: a stream is escaped as Lines escapes it, a character split
// between writes kept whole.
func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := inert.NewWriter(&b)
	for _, p := range []string{"a \xe2", "\x86\x92 b\x1b[2J\n", "\xe2\x80", "\xae", "x\n\xe2"} {
		if n, err := w.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "a → b\\x1b[2J\n\\u202ex\n\\xe2"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// TestCode: rendered, a value's code span shows it exactly, escaped, and
// nothing else: whatever backticks and spaces it starts, ends or holds.
func TestCode(t *testing.T) {
	for _, v := range []string{
		"web", "a`b", "``a```", "`", "```", "a`", "`a", " a", "a ", " a ", "  ", " ` ", "` `",
		"<img src=x onerror=alert(1)>", "[x](http://evil)", "@octocat", "a\r\nb", "\x1b]0;x\x07", "a\\", "",
	} {
		t.Run(v, func(t *testing.T) {
			md := "before " + inert.Code(v) + " after *x*\n"
			r := testmd.Render([]byte(md))
			want := inert.Line(v)
			if v == "" {
				want = " "
			}
			if len(r.Codes) != 1 || r.Codes[0] != want || len(r.Active) > 0 || len(r.Emphasis) != 1 {
				t.Errorf("%q renders codes %q, active %q, emphasis %q; want one code %q", md, r.Codes, r.Active, r.Emphasis, want)
			}
		})
	}
}

// TestText: an ordinary value stays text, as it is; one that could be
// markup becomes a code span showing it exactly; nothing renders as
// HTML, a link, an image, a mention or emphasis.
func TestText(t *testing.T) {
	for _, tc := range []struct {
		v     string
		plain bool
	}{
		{"v1.2.0 ×2 · v2 ×1", true},
		{"delete web-v1 ×2; ≤4 pods, ≥2 ready", true},
		{"no pods: requests fail", true},
		{`v2 if header x-user="beta" and query q="1"; else v1 100% (+5% mirrored to v2)`, true},
		{"shop.example.com", true},
		{"www.evil.example", false},
		{"https://evil.example", false},
		{"ftp://evil.example", false},
		{"<http://evil>", false},
		{"a@b.example", false},
		{"@octocat", false},
		{"&#64;octocat", false},
		{"[x](http://evil)", false},
		{"![x](http://evil/i.png)", false},
		{"<img src=x onerror=alert(1)>", false},
		{"*a* _b_ ~~c~~ ~d~", false},
		{":smile:", false},
		{"owner/repo#1", false},
		{"$x$", false},
		{"a\\b", false},
		{"a\rb", false},
		{" padded <b> ", false},
	} {
		t.Run(tc.v, func(t *testing.T) {
			got := inert.Text(tc.v)
			if tc.plain != (got == tc.v) {
				t.Errorf("Text = %q: plain text %v, want %v", got, got == tc.v, tc.plain)
			}
			r := testmd.Render([]byte("x " + got + " y\n"))
			if len(r.Active) > 0 || len(r.Emphasis) > 0 {
				t.Errorf("%q renders active %q, emphasis %q", got, r.Active, r.Emphasis)
			}
			if !tc.plain && (len(r.Codes) != 1 || r.Codes[0] != strings.Trim(inert.Line(tc.v), " ")) {
				t.Errorf("%q renders codes %q, want one showing %q", got, r.Codes, tc.v)
			}
		})
	}
}

// TestCell: in a table, a | of a value, in text or a code span, stays in
// its cell and shows as |.
func TestCell(t *testing.T) {
	for _, v := range []string{"a|b", "a\\|b", "`|`", "a\\", "|", "x|<b>|\r"} {
		t.Run(v, func(t *testing.T) {
			md := "| h1 | h2 |\n| --- | --- |\n| " + inert.Cell(inert.Text(v)) + " | " + inert.Cell(inert.Code(v)) + " |\n"
			r := testmd.Render([]byte(md))
			if len(r.Tables) != 1 || len(r.Tables[0]) != 2 || len(r.Tables[0][1]) != 2 {
				t.Fatalf("%q renders tables %q, want one row of two cells", md, r.Tables)
			}
			want := inert.Line(v)
			for i, c := range r.Tables[0][1] {
				if c != want {
					t.Errorf("cell %d shows %q, want %q", i, c, want)
				}
			}
			if len(r.Active) > 0 {
				t.Errorf("%q renders active %q", md, r.Active)
			}
		})
	}
}
