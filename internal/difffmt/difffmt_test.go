package difffmt_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/difffmt"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specdiff"
)

const canary = `
name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 4
readinessProbe: {http: {path: /}}
runAsUser: 1000
config: {LOG_LEVEL: info, GREETING: hello}
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {canary: {steps: [25, 50, 100], step: 1}}
`

// diff compares two sources of releases.
func diff(t *testing.T, old, next string) *specdiff.Diff {
	t.Helper()
	var sides [2][]*compile.Release
	for i, src := range []string{old, next} {
		rs, err := compile.Bytes(&load.Loader{}, "spec.yaml", []byte(src))
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		sides[i] = rs
	}
	d, err := specdiff.Compare(sides[0], sides[1])
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWrite(t *testing.T) {
	step2 := strings.Replace(canary, "step: 1", "step: 2", 1)
	long := strings.Replace(canary, "GREETING: hello", "GREETING: "+strings.Repeat("x", 60), 1)
	for _, tc := range []struct {
		name, format, old, next, want string
	}{
		{
			name: "text, a canary step", format: "text", old: canary, next: step2,
			want: `default/web: changed
  objects:
    ~ Deployment web-v1
        spec.replicas: 3 → 2
    ~ Deployment web-v2
        spec.replicas: 1 → 2
  pods: no pod restarts
    Deployment web-v1: 3 → 2 pods
    Deployment web-v2: 1 → 2 pods
  traffic:
    Service web: v1 75% · v2 25% → v1 50% · v2 50%

releases: 1 changed, 0 new, 0 removed, 0 unchanged
`,
		},
		{
			name: "markdown, a canary step", format: "markdown", old: canary, next: step2,
			want: "### `default/web`: changed\n\n**Objects**\n\n" +
				"- ~ Deployment `web-v1`\n  - `spec.replicas: 3 → 2`\n" +
				"- ~ Deployment `web-v2`\n  - `spec.replicas: 1 → 2`\n\n" +
				"**Pods**: no pod restarts\n\n- Deployment `web-v1`: 3 → 2 pods\n- Deployment `web-v2`: 1 → 2 pods\n\n" +
				"**Traffic**\n\n- Service web: v1 75% · v2 25% → v1 50% · v2 50%\n\n" +
				"_Releases: 1 changed, 0 new, 0 removed, 0 unchanged._\n",
		},
		{
			name: "text, a long config value shortened", format: "text", old: canary, next: long,
			want: `default/web: changed
  objects:
    ~ ConfigMap web-config-758kt8k87t → web-config-btchd8mfm2 (config of stable v1, candidate v2)
        ~ GREETING: hello → xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (60 bytes)
`,
		},
		{
			name: "text, nothing changes", format: "text", old: canary, next: canary,
			want: "releases: 0 changed, 0 new, 0 removed, 1 unchanged\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := difffmt.Write(&b, tc.format, diff(t, tc.old, tc.next)); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); !strings.HasPrefix(got, tc.want) {
				t.Errorf("got\n%s\nwant it to start with\n%s", got, tc.want)
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := difffmt.Write(&bytes.Buffer{}, "pdf", &specdiff.Diff{})
	if err == nil || !strings.Contains(err.Error(), `unknown "pdf" (allowed: text, markdown)`) {
		t.Errorf("got %v, want the formats allowed", err)
	}
}
