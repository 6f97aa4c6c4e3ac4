package compile_test

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestRestrictedCapabilities: at the restricted level, drop: [ALL] is
// filled in wherever a container's capabilities leave drop unset — beside
// an add the level allows too — and what the spec writes stays; other
// levels fill in nothing.
func TestRestrictedCapabilities(t *testing.T) {
	const base = "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}]\nreplicas: 2\nrunAsUser: 1000\nstrategy: {ramped: {}}\n"
	const stable = "stable: {version: v1, tag: \"1\"}\n"
	all := []corev1.Capability{"ALL"}
	bind := []corev1.Capability{"NET_BIND_SERVICE"}
	for _, tc := range []struct {
		name       string
		spec       string
		main, side *corev1.Capabilities // want; side: the sidecar's
	}{
		{name: "unset", spec: "pod: {containers: [{name: side, image: example/side}]}\n" + stable,
			main: &corev1.Capabilities{Drop: all}, side: &corev1.Capabilities{Drop: all}},
		{name: "add alone", spec: "container: {securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}\npod: {containers: [{name: side, image: example/side, securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}]}\n" + stable,
			main: &corev1.Capabilities{Add: bind, Drop: all}, side: &corev1.Capabilities{Add: bind, Drop: all}},
		{name: "in the version's overlay", spec: "pod: {containers: [{name: side, image: example/side}]}\nstable: {version: v1, tag: \"1\", container: {securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}}\n",
			main: &corev1.Capabilities{Add: bind, Drop: all}, side: &corev1.Capabilities{Drop: all}},
		{name: "drop written stays", spec: "container: {securityContext: {capabilities: {drop: [ALL, NET_RAW]}}}\npod: {containers: [{name: side, image: example/side}]}\n" + stable,
			main: &corev1.Capabilities{Drop: []corev1.Capability{"ALL", "NET_RAW"}}, side: &corev1.Capabilities{Drop: all}},
		{name: "baseline fills nothing in", spec: "podSecurity: baseline\ncontainer: {securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}\npod: {containers: [{name: side, image: example/side}]}\n" + stable,
			main: &corev1.Capabilities{Add: bind}, side: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := deployments(t, compileYAML(t, base+tc.spec))["web"]
			if d == nil {
				t.Fatal("no Deployment web")
			}
			cs := d.Spec.Template.Spec.Containers
			if len(cs) != 2 {
				t.Fatalf("%d containers, want 2", len(cs))
			}
			for i, want := range []*corev1.Capabilities{tc.main, tc.side} {
				if got := cs[i].SecurityContext.Capabilities; !reflect.DeepEqual(got, want) {
					t.Errorf("container %s: capabilities %+v, want %+v", cs[i].Name, got, want)
				}
			}
		})
	}
}
