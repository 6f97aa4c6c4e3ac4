package compile_test

import (
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
)

// TestPrevious: compared with the file generated before, a candidate new
// in this change past its strategy's first stage is an error at the
// stage's field (unless allowed), and a switch between the one-Deployment
// and the per-version strategy families is a warning at the strategy.
func TestPrevious(t *testing.T) {
	const base = "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}]\nreplicas: 4\n"
	const canary = base + "traffic: istio\nstable: {version: %s, tag: \"1\"}\ncandidate: {version: %s, tag: \"2\"}\nstrategy: {canary: {steps: [10, 50, 100], step: %s}}\n"
	spec := func(format string, args ...string) string {
		for _, a := range args {
			format = strings.Replace(format, "%s", a, 1)
		}
		return format
	}
	const sts = "name: db\nimage: example/db\nports: [{name: tcp-pg, containerPort: 5432}]\nworkload: StatefulSet\nreplicas: 3\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: %s, tag: \"2\"}\nstrategy: {partitioned: {steps: [1, 2, 3], step: %s}}\n"
	const blueGreen = base + "stable: {version: v1, tag: \"1\"}\ncandidate: {version: %s, tag: \"2\"}\nstrategy: {blueGreen: {active: %s}}\n"
	const ramped = base + "stable: {version: v1, tag: \"1\"}\nstrategy: {ramped: {}}\n"
	const oneVersion = base + "stable: {version: v1, tag: \"1\"}\nstrategy: {canary: {steps: [10, 100]}}\n"
	const stsOneVersion = "name: db\nimage: example/db\nports: [{name: tcp-pg, containerPort: 5432}]\nworkload: StatefulSet\nreplicas: 3\nstable: {version: v1, tag: \"1\"}\nstrategy: {partitioned: {steps: [1, 2, 3]}}\n"
	for _, tc := range []struct {
		name       string
		prev, next string
		allowSkip  bool
		want       []string // each problem as printed, in order
	}{
		{name: "a new candidate at step 1", prev: oneVersion, next: spec(canary, "v1", "v2", "1")},
		{name: "a new candidate at step 0", prev: oneVersion, next: spec(canary, "v1", "v2", "0")},
		{name: "a promoted spec left at step 2", prev: spec(canary, "v1", "v2", "2"), next: spec(canary, "v2", "v3", "2"),
			want: []string{"spec.yaml:8:43: strategy.canary.step: the candidate v3 is new in this change but starts at step 2 (50%): its first stage would be skipped (allowed: step 0 or 1 for a new candidate, step 0 with traffic: istio to start without traffic, as rollspec start writes it; --allow-skip to mean it)"}},
		{name: "allowed", prev: spec(canary, "v1", "v2", "2"), next: spec(canary, "v2", "v3", "2"), allowSkip: true},
		{name: "the same candidate, next step", prev: spec(canary, "v1", "v2", "1"), next: spec(canary, "v1", "v2", "3")},
		{name: "a rollback onto the previous stable", prev: spec(canary, "v1", "v2", "2"), next: spec(canary, "v2", "v1", "3")},
		{name: "partitioned past step 1", prev: stsOneVersion, next: spec(sts, "v2", "2"),
			want: []string{"spec.yaml:8:44: strategy.partitioned.step: the candidate v2 is new in this change but starts at step 2 (2 of 3 pods)"}},
		{name: "partitioned, the same candidate", prev: spec(sts, "v2", "1"), next: spec(sts, "v2", "3")},
		{name: "blue-green, a new candidate active", prev: spec(blueGreen, "v2", "candidate"), next: spec(blueGreen, "v3", "candidate"),
			want: []string{"spec.yaml:7:24: strategy.blueGreen.active: the candidate v3 is new in this change but is active at once"}},
		{name: "blue-green, a new candidate idle", prev: spec(blueGreen, "v2", "candidate"), next: spec(blueGreen, "v3", "stable")},
		{name: "ramped to canary", prev: ramped, next: oneVersion,
			want: []string{"warning: spec.yaml:6:1: strategy: replaces Deployment web (deploy/default.web.yaml) by Deployment web-v1: applying with pruning deletes the old one"}},
		{name: "canary to ramped", prev: spec(canary, "v1", "v2", "1"), next: ramped,
			want: []string{"warning: spec.yaml:6:1: strategy: replaces Deployments web-v1, web-v2 (deploy/default.web.yaml) by Deployment web: "}},
		{name: "canary to blue-green", prev: spec(canary, "v1", "v2", "1"), next: spec(blueGreen, "v2", "stable")},
		{name: "a new release", prev: "", next: spec(canary, "v2", "v3", "2")},
		{name: "a previous file that is not YAML", prev: "{{{", next: spec(canary, "v2", "v3", "2")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prev := tc.prev
			if strings.HasPrefix(prev, "name:") {
				prev = string(compileYAML(t, tc.prev).YAML)
			}
			list := compile.Previous(compileYAML(t, tc.next), []byte(prev), "deploy/default.web.yaml", tc.allowSkip)
			var b strings.Builder
			diag.Print(&b, list, "")
			got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			if b.Len() == 0 {
				got = nil
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %d problems starting %q", got, len(tc.want), tc.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("problem %d = %q, want it to start %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}
