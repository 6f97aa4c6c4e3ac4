package load_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/load"
)

// TestOperatorChain: a CUE spec chaining millions of operators in one
// expression (`1+1+1…`, `a.a.a…`; a 5 MB file) is refused at the operator
// past the limit, before CUE's parser recurses once per operator and
// overflows the stack; one run of ordinary length, or chains split by
// brackets and lines, loads as before.
func TestOperatorChain(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"sum", "x: 1" + strings.Repeat("+1", 2_500_000) + "\n", "web.cue:1:20005: an expression chains more than 10000 operators"},
		{"selectors", "a: a: 1\nx: a" + strings.Repeat(".a", 2_000_000) + "\n", "web.cue:2:20005: an expression chains more than 10000 operators"},
		{"in a package", "package web\n\nx: 1" + strings.Repeat("*1", 10_001) + "\n", "web.cue:3:20005: an expression chains more than 10000 operators"},
		{"split", "package web\n\n" + strings.Repeat("x: 1"+strings.Repeat("+1", 9_000)+"\n", 3), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "web.cue"), []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			got, _ := loadCounting(&load.Loader{}, filepath.Join(dir, "web.cue"), dir)
			if tc.want == "" {
				if strings.Contains(got, "chains more than") {
					t.Errorf("refused an ordinary chain:\n%s", got)
				}
				return
			}
			if !strings.HasPrefix(got, tc.want) || strings.Count(got, "\n") != 1 {
				t.Errorf("got %q\nwant one problem starting %q", got, tc.want)
			}
		})
	}
}
