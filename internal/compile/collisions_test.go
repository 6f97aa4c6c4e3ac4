package compile_test

import (
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
)

// TestCollisions: two releases may not compile the same object; each
// derives names from its own name, so the check is across releases.
func TestCollisions(t *testing.T) {
	release := func(name, namespace, rest string) string {
		return "name: " + name + "\nnamespace: " + namespace + "\nimage: example/app\nports: [{name: http, containerPort: 8080}]\nreplicas: 2\n" + rest
	}
	const twoVersions = "stable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\"}\n"
	const oneVersion = "stable: {version: v1, tag: \"1\"}\nstrategy: {ramped: {}}\n"
	for _, tc := range []struct {
		name  string
		specs []string
		want  string // the one problem, "" for none
	}{
		{
			name:  "a release named like another's version",
			specs: []string{release("web", "shop", twoVersions+"strategy: {canary: {steps: [50, 100]}}\n"), release("web-v1", "shop", oneVersion)},
			want:  `spec.yaml:10:1: name: compiles Deployment web-v1 in namespace shop, as release "web" at spec.yaml:1:1 does`,
		},
		{
			name:  "a release named like another's preview",
			specs: []string{release("web", "shop", twoVersions+"strategy: {blueGreen: {preview: true}}\n"), release("web-preview", "shop", oneVersion)},
			want:  `spec.yaml:10:1: name: compiles Service web-preview in namespace shop, as release "web" at spec.yaml:1:1 does`,
		},
		{
			name:  "the same names in two namespaces",
			specs: []string{release("web", "shop", twoVersions+"strategy: {canary: {steps: [50, 100]}}\n"), release("web-v1", "blog", oneVersion)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compile.Bytes(&load.Loader{}, "spec.yaml", []byte(strings.Join(tc.specs, "---\n")))
			var got string
			if err != nil {
				var b strings.Builder
				diag.Print(&b, err, "")
				got = strings.TrimSuffix(b.String(), "\n")
			}
			switch {
			case tc.want == "" && got != "":
				t.Errorf("got %q, want no problem", got)
			case tc.want != "" && !strings.HasPrefix(got, tc.want):
				t.Errorf("got %q, want it to start with %q", got, tc.want)
			case strings.Count(got, "\n") > 0:
				t.Errorf("got several problems, want one:\n%s", got)
			}
		})
	}
}
