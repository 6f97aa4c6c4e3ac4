package load_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
)

// TestLongStream checks that a long YAML stream, which is read in chunks
// of documents, reports every problem at its line in the file and its
// index in the stream, exactly as the same stream read as a whole does: a
// "..." end marker after the last document makes the loader read the
// stream as a whole.
func TestLongStream(t *testing.T) {
	const docs = 300 // more than two chunks
	doc := func(i int) string { return strings.Replace(valid, "name: web", fmt.Sprintf("name: web%d", i), 1) }
	for _, tc := range []struct {
		name  string
		fault map[int]func(string) string // by document
		want  int                         // problems
	}{
		{name: "valid"},
		{name: "invalid values in three chunks", want: 3, fault: map[int]func(string) string{
			5:   func(s string) string { return withIn(s, "replicas", "replicas: x") },
			130: func(s string) string { return withIn(s, "replicas", "replicas: -1") },
			299: func(s string) string { return withIn(s, "image", "image: Example/Web") },
		}},
		{name: "syntax error in a chunk", want: 2, fault: map[int]func(string) string{
			140: func(s string) string { return withIn(s, "ports", "ports: [{name: http") },
			141: func(s string) string { return withIn(s, "replicas", "replicas: x") },
		}},
		{name: "duplicate key", want: 1, fault: map[int]func(string) string{
			200: func(s string) string { return s + "replicas: 3\n" },
		}},
		{name: "numbers YAML reads as floats", want: 2, fault: map[int]func(string) string{
			129: func(s string) string { return withIn(s, "replicas", "replicas: .nan") },
			257: func(s string) string { return withIn(s, "replicas", "replicas: 123456789012345678901234567890") },
		}},
		{name: "empty documents and comments", fault: map[int]func(string) string{
			127: func(string) string { return "# retired\n" },
			128: func(string) string { return "" },
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("# releases\n")
			for i := range docs {
				if i > 0 {
					b.WriteString("---\n")
				}
				d := doc(i)
				if f := tc.fault[i]; f != nil {
					d = f(d)
				}
				b.WriteString(d)
			}
			stream := b.String()
			got, n := loadStream(t, stream)
			whole, wn := loadStream(t, stream+"...\n")
			if got != whole || n != wn {
				t.Errorf("read in chunks (%d releases):\n%s\nread as a whole (%d releases):\n%s", n, got, wn, whole)
			}
			if lines := strings.Count(got, "\n"); lines != tc.want {
				t.Errorf("got %d problems, want %d:\n%s", lines, tc.want, got)
			}
			for i := range tc.fault {
				if tc.want > 0 && !namesDocument(got, stream, i) {
					t.Errorf("no problem is in document %d:\n%s", i, got)
				}
			}
		})
	}
}

// loadStream loads a YAML stream and returns its problems as printed and
// how many releases it holds.
func loadStream(t *testing.T, src string) (string, int) {
	t.Helper()
	res := (&load.Loader{}).LoadBytes("s.yaml", []byte(src))
	specs, err := res.Releases(nil)
	var b bytes.Buffer
	diag.Print(&b, err, "")
	return b.String(), len(specs)
}

// namesDocument reports whether a problem in problems is in document i
// of stream: by its index, or by its line.
func namesDocument(problems, stream string, i int) bool {
	if strings.Contains(problems, fmt.Sprintf(": [%d].", i)) {
		return true
	}
	first, line, n := 0, 1, 0 // first is document i's first line
	for l := range strings.SplitSeq(stream, "\n") {
		if l == "---" {
			n++
		}
		switch {
		case n == i && first == 0:
			first = line
		case n == i+1:
			for at := first; at < line; at++ {
				if strings.Contains(problems, fmt.Sprintf("s.yaml:%d:", at)) {
					return true
				}
			}
			return false
		}
		line++
	}
	return false
}
