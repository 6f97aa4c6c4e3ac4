package e2e

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/podwarn"
	"github.com/rollspec/rollspec/release"
)

// warnsPrefix begins each warning rollspec gives in the API server's
// words (internal/compile's podWarnings); allowedSep ends the server's
// text.
const warnsPrefix, allowedSep = "the API server warns: ", " (allowed: "

// TestPodWarnings creates, for each warning rule of internal/podwarn, a
// spec's compiled objects on the real API server and requires the
// server's warnings ("Warning: …" from kubectl) to be exactly the ones
// rollspec gave at compile time, text for text. (That every example
// applies with zero warnings is TestExamples.)
func TestPodWarnings(t *testing.T) {
	needCluster(t)
	const ns = "podwarn"
	namespace(t, ns, release.PodSecurityPrivileged)
	tests := []struct {
		rule, section string
		// none: rollspec's output cannot trigger the rule (a field it
		// fills in makes it moot); both must stay silent.
		none bool
		// line is the spec line the warnings are at: the section's (10)
		// unless set.
		line int
	}{
		{rule: "deprecated node label in nodeSelector", section: `pod: {nodeSelector: {"beta.kubernetes.io/arch": amd64}}`},
		{rule: "node affinity term", section: `pod: {affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchExpressions: [{key: "failure-domain.beta.kubernetes.io/zone", operator: In, values: ["a b"]}]}}]}}}`},
		{rule: "topology spread constraint", section: `pod: {topologySpreadConstraints: [{maxSkew: 1, topologyKey: "beta.kubernetes.io/instance-type", whenUnsatisfiable: ScheduleAnyway}]}`},
		{rule: "deprecated annotation", section: `podAnnotations: {"scheduler.alpha.kubernetes.io/critical-pod": ""}`},
		{rule: "deprecated volume plugin", section: `pod: {volumes: [{name: fs, cephfs: {monitors: ["10.0.0.1:6789"]}}]}`},
		{rule: "fractional ephemeral volume storage", section: `pod: {volumes: [{name: scratch, ephemeral: {volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: "1.5"}}}}}}]}`},
		{rule: "overlapping volume paths", section: `pod: {volumes: [{name: files, configMap: {name: files, items: [{key: a, path: x}, {key: b, path: x/y}]}}]}`},
		{rule: "duplicate hostAliases ip", section: `pod: {hostAliases: [{ip: "10.0.0.1", hostnames: [a]}, {ip: "10.0.0.1", hostnames: [b]}]}`},
		{rule: "imagePullSecrets", section: `pod: {imagePullSecrets: [{name: reg}, {name: reg}]}`},
		{rule: "fractional overhead", section: `pod: {overhead: {memory: "0.5"}}`},
		{rule: "seccomp pod annotation", section: `podAnnotations: {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}`, none: true},
		{rule: "seccomp container annotation", section: `podAnnotations: {"container.seccomp.security.alpha.kubernetes.io/%s": "runtime/default"}`},
		{rule: "AppArmor container annotation", section: `podAnnotations: {"container.apparmor.security.beta.kubernetes.io/%s": "runtime/default"}`},
		{rule: "fractional container resources", section: `pod: {containers: [{name: proxy, image: example/proxy, resources: {limits: {memory: "0.5"}}}]}`},
		{rule: "duplicate env", section: `container: {env: [{name: MODE, value: a}, {name: MODE, value: b}]}`},
		{rule: "ports", section: `pod: {containers: [{name: proxy, image: example/proxy, ports: [{containerPort: 8080}, {containerPort: 9000, hostIP: "127.0.0.1"}]}]}`},
		{rule: "port names", section: `pod: {initContainers: [{name: proxy, image: example/proxy, restartPolicy: Always, ports: [{name: http, containerPort: 15001}]}]}`,
			line: 4}, // the main container's port, the later of the two
		{rule: "negative terminationGracePeriodSeconds", section: `pod: {terminationGracePeriodSeconds: -1}`},
		{rule: "null pod affinity selector", section: `pod: {affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, podAffinityTerm: {topologyKey: kubernetes.io/hostname}}]}}}`},
		{rule: "non-standard IP address", section: `pod: {dnsPolicy: None, dnsConfig: {nameservers: ["2001:DB8::1"]}}`},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.rule] = true
	}
	for _, r := range podwarn.Rules {
		if !covered[r.Name] {
			t.Errorf("rule %q has no case on the API server", r.Name)
		}
	}
	for i, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			name := fmt.Sprintf("warn%d", i)
			section := tc.section
			if strings.Contains(section, "%s") {
				section = fmt.Sprintf(section, name)
			}
			src := fmt.Sprintf(`name: %s
namespace: %s
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 1
readinessProbe: {http: {path: /healthz}}
podSecurity: privileged
stable: {version: "v1", tag: "v1"}
strategy: {recreate: {}}
%s
`, name, ns, section)
			r := compileSpec(t, src)
			var compiled []string
			for _, d := range r.Warnings {
				if text, ok := strings.CutPrefix(d.Text, warnsPrefix); ok {
					if j := strings.LastIndex(text, allowedSep); j >= 0 {
						text = text[:j]
					}
					compiled = append(compiled, text)
					if want := cmp.Or(tc.line, 10); d.Pos.Line() != want {
						t.Errorf("warning at line %d, want %d: %v", d.Pos.Line(), want, d)
					}
				}
			}
			_, stderr := kubectl(t, r.YAML, "create", "-f", "-")
			var server []string
			for _, l := range strings.Split(string(stderr), "\n") {
				if w, ok := strings.CutPrefix(l, "Warning: "); ok {
					server = append(server, w)
				}
			}
			slices.Sort(compiled)
			slices.Sort(server)
			if !slices.Equal(compiled, server) {
				t.Errorf("rollspec warned:\n  %s\nthe API server warned:\n  %s", strings.Join(compiled, "\n  "), strings.Join(server, "\n  "))
			}
			if len(compiled) == 0 && !tc.none {
				t.Errorf("no warning from rule %q; stderr:\n%s", tc.rule, stderr)
			}
		})
	}
}
