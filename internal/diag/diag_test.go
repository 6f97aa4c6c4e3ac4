package diag_test

import (
	"strings"
	"testing"

	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
)

func pos(file string, line, col int) token.Pos {
	src := strings.Repeat(strings.Repeat("x", 20)+"\n", line)
	f := token.NewFile(file, -1, len(src))
	f.SetLinesForContent([]byte(src))
	return f.Pos((line-1)*21+col-1, token.NoRelPos)
}

func TestPrint(t *testing.T) {
	tests := []struct {
		name string
		list diag.List
		want string
	}{
		{
			name: "sorted by position, duplicates dropped, warnings marked",
			list: diag.List{
				{Pos: pos("b.yaml", 2, 3), Field: "replicas", Text: "invalid"},
				{Severity: diag.Warning, Pos: pos("a.yaml", 9, 1), Field: "tag", Text: "mutable"},
				{Pos: pos("a.yaml", 3, 5), Field: "name", Text: "missing"},
				{Pos: pos("b.yaml", 2, 3), Field: "replicas", Text: "invalid"},
			},
			want: "a.yaml:3:5: name: missing\nwarning: a.yaml:9:1: tag: mutable\nb.yaml:2:3: replicas: invalid\n",
		},
		{
			name: "refs are written in, line breaks escaped",
			list: diag.List{{Pos: pos("a.yaml", 4, 1), Field: "host", Refs: []token.Pos{pos("b.yaml", 1, 7)}, Text: "served at {0}\nagain"}},
			want: "a.yaml:4:1: host: served at b.yaml:1:7\\nagain\n",
		},
		{
			name: "control characters in a file name, a field, a message, escaped",
			list: diag.List{
				{Pos: pos("a\r\x1b[2J.yaml", 1, 1), Field: "env.\x1b]0;t\x07", Text: "value \"\u202e\x9b\tx\""},
				{Pos: diag.FileOnly("b\nwarning: c.yaml"), Text: "unreadable"},
			},
			want: "a\\r\\x1b[2J.yaml:1:1: env.\\x1b]0;t\\a: value \"\\u202e\\x9b\\tx\"\nb\\nwarning: c.yaml:1:1: unreadable\n",
		},
		{
			name: "no position",
			list: diag.List{{Text: "specs: no such file or directory"}},
			want: "specs: no such file or directory\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			diag.Print(&b, tc.list, "")
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestSeverity(t *testing.T) {
	var d diag.Diagnostic
	if d.Severity != diag.Error || d.Severity.String() != "error" || diag.Warning.String() != "warning" {
		t.Errorf("zero severity = %v; a diagnostic built without one must stop compilation", d.Severity)
	}
}

func TestLongValuesShortened(t *testing.T) {
	long := strings.Repeat("ab", 5<<20)
	d := &diag.Diagnostic{Field: "name", Text: `invalid value "` + long + `" (allowed: a DNS-1123 label)`}
	got := d.Error()
	if len(got) > 400 {
		t.Errorf("message is %d bytes", len(got))
	}
	for _, want := range []string{`name: invalid value "abab`, `abab" (10485760 bytes) (allowed: a DNS-1123 label)`, "…"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	short := &diag.Diagnostic{Text: `invalid value "web" (allowed: x)`}
	if short.Error() != short.Text {
		t.Errorf("a short message changed: %q", short.Error())
	}
	huge := &diag.Diagnostic{Text: strings.Repeat("x ", 1<<20)}
	if n := len(huge.Error()); n > 4200 {
		t.Errorf("an unquoted long message is %d bytes", n)
	}
}
