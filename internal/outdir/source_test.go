package outdir_test

import (
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/manifest"
	"github.com/rollspec/rollspec/internal/outdir"
)

// TestSourceLine: the source line names any spec on one line, and Source
// reads the name back; an ordinary name is written as it is.
func TestSourceLine(t *testing.T) {
	body := manifest.Header + "apiVersion: v1\nkind: Service\n"
	for _, tc := range []struct{ name, line string }{
		{"../specs/web.yaml", "../specs/web.yaml"},
		{"../specs/ünïcode web.yaml", "../specs/ünïcode web.yaml"},
		{"../specs/a\nkind: Secret\r\x1b[2J.yaml", `"../specs/a\nkind: Secret\r\x1b[2J.yaml"`},
		{"../specs/\u202egnp.yaml", `"../specs/\u202egnp.yaml"`},
		{`"quoted".yaml`, `"\"quoted\".yaml"`},
		{"-", "-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(outdir.WithSource([]byte(body), tc.name))
			want := manifest.Header + "# Source: " + tc.line + "\n" + strings.TrimPrefix(body, manifest.Header)
			if got != want {
				t.Errorf("got\n%q\nwant\n%q", got, want)
			}
			if src := outdir.Source([]byte(got)); src != tc.name {
				t.Errorf("Source = %q, want %q", src, tc.name)
			}
		})
	}
}
