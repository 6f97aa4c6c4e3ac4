package manifest_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rollspec/rollspec/internal/manifest"
)

// stringCases are strings that are hard to write as YAML, with the form
// each takes after "key: ": "plain", `"` (double-quoted) or a literal
// block scalar's header.
var stringCases = []struct {
	name, s, form string
}{
	{name: "one word", s: "abc", form: "plain"},
	{name: "empty", s: "", form: `"`},
	{name: "one line with spaces", s: "a b", form: `"`},
	{name: "one line ending in a space", s: "a ", form: `"`},
	{name: "two lines", s: "a\nb", form: "|-"},
	{name: "one line and its line break", s: "a\n", form: "|"},
	{name: "two lines and a line break", s: "a\nb\n", form: "|"},
	{name: "two trailing line breaks", s: "a\nb\n\n", form: `"`},
	{name: "three trailing line breaks", s: "a\n\n\n", form: `"`},
	{name: "leading space", s: " a\nb", form: "|2-"},
	{name: "leading spaces and a line break", s: "  indented\nnext\n", form: "|2"},
	{name: "leading space and trailing line breaks", s: " a\n\n", form: `"`},
	{name: "leading tab", s: "\ta\nb\n", form: "|2"},
	{name: "leading empty lines", s: "\n\na\n", form: "|"},
	{name: "leading empty line then an indented one", s: "\n  a\n", form: "|2"},
	{name: "leading line of spaces", s: "   \na", form: `"`},
	{name: "line of spaces only", s: "  \n", form: `"`},
	{name: "empty lines inside", s: "a\n\n\nb\n", form: "|"},
	{name: "last line of spaces", s: "a\n  \n", form: `"`},
	{name: "last line of spaces without line break", s: "a\n ", form: `"`},
	// Blanks that end a line, and empty lines at the end, are what
	// whitespace fixers strip: such strings stay quoted.
	{name: "trailing blanks on lines", s: "a  \nb\t\n", form: `"`},
	{name: "comment and mapping syntax", s: "# not a comment\nkey: value\n- item\n", form: "|"},
	{name: "document markers", s: "---\n...\n%YAML 1.2\n", form: "|"},
	{name: "block scalar headers", s: "|\n>-\n|2+\n", form: "|"},
	{name: "quotes and backslashes", s: "say \"hi\" 'there'\n\\n is no line break\n", form: "|"},
	{name: "tabs", s: "a\tb\n\tc\n", form: "|"},
	{name: "unicode", s: "ünï ✓\n😀 日本語\n", form: "|"},
	{name: "no-break space first", s: "\u00a0a\nb", form: "|-"},
	{name: "json", s: "{\n  \"a\": [1, 2],\n  \"b\": null\n}\n", form: "|"},
	{name: "config file", s: "server {\n    listen 80;\n    # root\n    root /usr/share/nginx/html;\n}\n", form: "|"},
	{name: "html escapes", s: "<b>&amp;</b>\n", form: "|"},
	{name: "CRLF", s: "a\r\nb\r\n", form: `"`},
	{name: "lone CR", s: "a\rb\n", form: `"`},
	{name: "line break only", s: "\n", form: `"`},
	{name: "empty lines only", s: "\n\n\n", form: `"`},
	{name: "NEL", s: "a\u0085b\n", form: `"`},
	{name: "line separator", s: "a\u2028b\n", form: `"`},
	{name: "paragraph separator", s: "a\u2029b\n", form: `"`},
	{name: "byte order mark", s: "\ufeffa\nb", form: `"`},
	{name: "byte order mark inside", s: "a\nb\ufeff", form: `"`},
	{name: "noncharacter", s: "a\ufffe\nb", form: `"`},
	{name: "bell", s: "a\a\nb", form: `"`},
	{name: "DEL", s: "a\x7f\nb", form: `"`},
	{name: "C1 control", s: "a\u0090\nb", form: `"`},
}

// maxKey is the longest key positions tries. YAML limits a key written
// without "? " to 1024 characters, and a quoted key can take six for each
// byte (\u0026 for "&"); Kubernetes' longest keys, qualified names of
// label and annotation keys, are at most 317 characters that need no
// quoting.
const maxKey = 1024 / 6

// positions puts s everywhere a string can be in encodeYAML's output: as
// a value at the top level and nested, as list items (under a key, in a
// list of lists), as the first and a later key of a mapping in a list,
// and, when not too long, as a key.
func positions(s string) map[string]any {
	m := map[string]any{
		"value":  s,
		"nested": map[string]any{"deeper": map[string]any{"value": s}},
		"list":   []any{s, s},
		"items":  []any{map[string]any{"a": s, "b": s}},
		"lists":  []any{[]any{s}},
	}
	if len(s) <= maxKey {
		m["keys"] = map[string]any{s: "v"}
	}
	return m
}

// roundTrip fails t unless every parser reads positions(s) back as
// written.
func roundTrip(t *testing.T, s string) []byte {
	t.Helper()
	b := manifest.EncodeYAML(positions(s))
	want := any(positions(s))
	for _, p := range parsers {
		got, err := parseOne(p, b)
		if err != nil {
			t.Fatalf("%s: %q: parse:\n%s\nerror: %v", p.name, s, b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %q: round trip differs:\n%s\ngot  %#v\nwant %#v", p.name, s, b, got, want)
		}
	}
	return b
}

// TestStrings checks the form each tricky string takes and that it reads
// back as written wherever it is.
func TestStrings(t *testing.T) {
	for _, tc := range stringCases {
		t.Run(tc.name, func(t *testing.T) {
			b := roundTrip(t, tc.s)
			var form string
			for line := range strings.SplitSeq(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "value: "); ok {
					form = v
					break
				}
			}
			switch {
			case tc.form == "plain" && form == tc.s:
			case tc.form == `"` && strings.HasPrefix(form, `"`):
			case form == tc.form:
			default:
				t.Errorf("%q is written as %q, want %s:\n%s", tc.s, form, tc.form, b)
			}
		})
	}
}

// TestLiteralLayout pins how literal block scalars are indented: one step
// deeper than their key or list item, empty lines empty.
func TestLiteralLayout(t *testing.T) {
	in := map[string]any{
		"args": []any{"x\ny", map[string]any{"k": " z\n", "l": "w\n\nv\n"}},
		"data": map[string]any{"app.conf": "a: 1\n\n  b\n"},
	}
	want := `args:
- |-
  x
  y
- k: |2
     z
  l: |
    w

    v
data:
  app.conf: |
    a: 1

      b
`
	if got := string(manifest.EncodeYAML(in)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// FuzzString: any valid UTF-8 string reads back as written, whichever
// form it takes. The JSON model holds valid UTF-8 only (jsonValue replaces
// invalid bytes, as encoding/json does).
func FuzzString(f *testing.F) {
	for _, tc := range stringCases {
		f.Add(tc.s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("not valid UTF-8")
		}
		roundTrip(t, s)
	})
}
