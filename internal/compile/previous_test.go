package compile_test

import (
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
)

// TestPrevious: compared with the file generated before, a candidate new
// in this change past its strategy's first stage, or one whose pod
// template changed since while past it, is an error at the stage's field
// (unless allowed); a change of stable's template is not; and a switch between the one-Deployment
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
	// retag changes the first version with tag from to tag to.
	retag := func(s, from, to string) string {
		return strings.Replace(s, `tag: "`+from+`"`, `tag: "`+to+`"`, 1)
	}
	// swapTags gives v1 tag 1 and v2 tag 2 where the canary spec gives
	// stable tag 1 and the candidate tag 2.
	swapTags := strings.NewReplacer(`{version: v2, tag: "1"}`, `{version: v2, tag: "2"}`, `{version: v1, tag: "2"}`, `{version: v1, tag: "1"}`).Replace
	withConfig := func(s, level string) string { return s + "config: {LOG_LEVEL: " + level + "}\n" }
	const sts = "name: db\nimage: example/db\nports: [{name: tcp-pg, containerPort: 5432}]\nworkload: StatefulSet\nreplicas: 3\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: %s, tag: \"2\"}\nstrategy: {partitioned: {steps: [1, 2, 3], step: %s}}\n"
	const blueGreen = base + "stable: {version: v1, tag: \"1\"}\ncandidate: {version: %s, tag: \"2\"}\nstrategy: {blueGreen: {active: %s}}\n"
	const ramped = base + "stable: {version: v1, tag: \"1\"}\nstrategy: {ramped: {}}\n"
	const oneVersion = base + "stable: {version: v1, tag: \"1\"}\nstrategy: {canary: {steps: [10, 100]}}\n"
	const stsOneVersion = "name: db\nimage: example/db\nports: [{name: tcp-pg, containerPort: 5432}]\nworkload: StatefulSet\nreplicas: 3\nstable: {version: v1, tag: \"1\"}\nstrategy: {partitioned: {steps: [1, 2, 3]}}\n"
	istioSTS := strings.NewReplacer("replicas: 3\n", "replicas: 3\ntraffic: istio\n", "tcp-pg", "http").Replace
	for _, tc := range []struct {
		name       string
		prev, next string
		allowSkip  bool
		want       []string // each problem as printed, in order
	}{
		{name: "a new native candidate at step 1", prev: strings.Replace(oneVersion, "traffic: istio\n", "", 1), next: strings.Replace(spec(canary, "v1", "v2", "1"), "traffic: istio\n", "", 1)},
		{name: "a new Istio candidate at step 1", prev: oneVersion, next: spec(canary, "v1", "v2", "1"),
			want: []string{"spec.yaml:8:43: strategy.canary.step: the candidate v2 is new in this change but starts at step 1 of 3 (10%) with traffic: istio: its share of the requests gets HTTP 503 until its pods are ready (allowed: step 0 for a new candidate with traffic: istio, its pods ready before any request reaches them, as rollspec start writes it; --allow-skip to mean it)"}},
		{name: "a new Istio candidate at step 1, allowed", prev: oneVersion, next: spec(canary, "v1", "v2", "1"), allowSkip: true},
		{name: "a new Istio partitioned candidate at step 1", prev: istioSTS(stsOneVersion), next: istioSTS(spec(sts, "v2", "1")),
			want: []string{"spec.yaml:9:44: strategy.partitioned.step: the candidate v2 is new in this change but starts at step 1 of 3 (1 of 3 pods) with traffic: istio: its share of the requests gets HTTP 503"}},
		{name: "a new candidate at step 0", prev: oneVersion, next: spec(canary, "v1", "v2", "0")},
		{name: "a promoted spec left at step 2", prev: spec(canary, "v1", "v2", "2"), next: spec(canary, "v2", "v3", "2"),
			want: []string{"spec.yaml:8:43: strategy.canary.step: the candidate v3 is new in this change but starts at step 2 (50%): the steps before it would be skipped (allowed: step 0 or 1 for a new candidate, step 0 with traffic: istio to start without traffic, as rollspec start writes it; --allow-skip to mean it)"}},
		{name: "allowed", prev: spec(canary, "v1", "v2", "2"), next: spec(canary, "v2", "v3", "2"), allowSkip: true},
		{name: "the same candidate, next step", prev: spec(canary, "v1", "v2", "1"), next: spec(canary, "v1", "v2", "3")},
		{name: "a rollback onto the previous stable", prev: spec(canary, "v1", "v2", "2"), next: swapTags(spec(canary, "v2", "v1", "3"))},
		{name: "the candidate's tag changed at its last step", prev: spec(canary, "v1", "v2", "3"), next: retag(spec(canary, "v1", "v2", "3"), "2", "2.1"),
			want: []string{"spec.yaml:8:43: strategy.canary.step: the candidate v2's pod template changed (image example/web:2 → example/web:2.1) at step 3 (100%): its new pods would take every request at once (allowed: a new version label, as rollspec start writes it, or step 0 or 1 first; --allow-skip to mean it)"}},
		{name: "the candidate's digest changed at step 2", prev: spec(canary, "v1", "v2", "2"), next: retag(spec(canary, "v1", "v2", "2"), "2", "2\", digest: \"sha256:"+strings.Repeat("ab", 32)),
			want: []string{"spec.yaml:8:43: strategy.canary.step: the candidate v2's pod template changed (image example/web:2 → example/web:2@sha256:abab"}},
		{name: "the candidate's image changed at step 2", prev: spec(canary, "v1", "v2", "2"), next: retag(spec(canary, "v1", "v2", "2"), "2", "2\", image: \"example/web-next"),
			want: []string{"spec.yaml:8:43: strategy.canary.step: the candidate v2's pod template changed (image example/web:2 → example/web-next:2) at step 2 (50%): its new pods would take 50% of the requests at once"}},
		{name: "the candidate's tag changed, allowed", prev: spec(canary, "v1", "v2", "3"), next: retag(spec(canary, "v1", "v2", "3"), "2", "2.1"), allowSkip: true},
		{name: "the candidate's tag changed, back at step 1", prev: spec(canary, "v1", "v2", "3"), next: retag(spec(canary, "v1", "v2", "1"), "2", "2.1")},
		{name: "the candidate's tag changed, then the next step", prev: retag(spec(canary, "v1", "v2", "1"), "2", "2.1"), next: retag(spec(canary, "v1", "v2", "3"), "2", "2.1")},
		{name: "stable's tag changed at the candidate's last step", prev: spec(canary, "v1", "v2", "3"), next: retag(spec(canary, "v1", "v2", "3"), "1", "1.1")},
		{name: "the config changed at step 2", prev: withConfig(spec(canary, "v1", "v2", "2"), "info"), next: withConfig(spec(canary, "v1", "v2", "2"), "debug"),
			want: []string{"spec.yaml:8:43: strategy.canary.step: the candidate v2's pod template changed (ConfigMap web-config-"}},
		{name: "a pod annotation changed at step 2", prev: spec(canary, "v1", "v2", "2"), next: "podAnnotations: {team: shop}\n" + spec(canary, "v1", "v2", "2"),
			want: []string{"spec.yaml:9:43: strategy.canary.step: the candidate v2's pod template changed (metadata.annotations added) at step 2 (50%)"}},
		{name: "the candidate's env and probe changed", prev: spec(canary, "v1", "v2", "2"),
			next: strings.Replace(spec(canary, "v1", "v2", "2"), `tag: "2"`, `tag: "2", env: {A: "1", B: "2"}, container: {readinessProbe: {tcpSocket: {port: http}}}`, 1),
			want: []string{"spec.yaml:8:43: strategy.canary.step: the candidate v2's pod template changed (spec.containers[web].env added, spec.containers[web].readinessProbe added) at step 2"}},
		{name: "partitioned past step 1", prev: stsOneVersion, next: spec(sts, "v2", "2"),
			want: []string{"spec.yaml:8:44: strategy.partitioned.step: the candidate v2 is new in this change but starts at step 2 (2 of 3 pods)"}},
		{name: "partitioned, the same candidate", prev: spec(sts, "v2", "1"), next: spec(sts, "v2", "3")},
		{name: "partitioned, the candidate's tag changed past step 1", prev: spec(sts, "v2", "2"), next: retag(spec(sts, "v2", "2"), "2", "2.1"),
			want: []string{"spec.yaml:8:44: strategy.partitioned.step: the candidate v2's pod template changed (image example/db:2 → example/db:2.1) at step 2 (2 of 3 pods): the StatefulSet would replace its 2 updated pods by pods of the new template, its first stage skipped (allowed: a new version label, as rollspec start writes it, or step 1 first; --allow-skip to mean it)"}},
		{name: "partitioned, the candidate's tag changed at step 1", prev: spec(sts, "v2", "2"), next: retag(spec(sts, "v2", "1"), "2", "2.1")},
		{name: "blue-green, a new candidate active", prev: spec(blueGreen, "v2", "candidate"), next: spec(blueGreen, "v3", "candidate"),
			want: []string{"spec.yaml:7:24: strategy.blueGreen.active: the candidate v3 is new in this change but is active at once"}},
		{name: "blue-green, a new candidate idle", prev: spec(blueGreen, "v2", "candidate"), next: spec(blueGreen, "v3", "stable")},
		{name: "blue-green, the active candidate's tag changed", prev: spec(blueGreen, "v2", "candidate"), next: retag(spec(blueGreen, "v2", "candidate"), "2", "2.1"),
			want: []string{"spec.yaml:7:24: strategy.blueGreen.active: the candidate v2's pod template changed (image example/web:2 → example/web:2.1) while it is active: its new pods would take every request as they start, before they ran beside stable (allowed: a new version label, as rollspec start writes it, or active: stable first; --allow-skip to mean it)"}},
		{name: "blue-green, the idle candidate's tag changed", prev: spec(blueGreen, "v2", "candidate"), next: retag(spec(blueGreen, "v2", "stable"), "2", "2.1")},
		{name: "blue-green, the active stable's tag changed", prev: spec(blueGreen, "v2", "stable"), next: retag(spec(blueGreen, "v2", "stable"), "1", "1.1")},
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
