package compile_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
)

// TestQuantities: a quantity written as a YAML number means what
// Kubernetes reads it as, and reaches the Deployment in canonical form.
func TestQuantities(t *testing.T) {
	const base = `
name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
stable: {version: "v1", tag: "1"}
strategy: {recreate: {}}
`
	for _, tc := range []struct {
		name      string
		resources string
		requests  map[string]string
		limits    map[string]string
	}{
		{name: "fraction of a cpu", resources: "{requests: {cpu: 0.5}, limits: {cpu: 1.5}}", requests: map[string]string{"cpu": "500m"}, limits: map[string]string{"cpu": "1500m"}},
		{name: "whole cpus", resources: "{requests: {cpu: 2}}", requests: map[string]string{"cpu": "2"}},
		{name: "bytes as a number", resources: "{limits: {memory: 134217728}}", limits: map[string]string{"memory": "134217728"}},
		{name: "strings as written", resources: `{requests: {cpu: "250m", memory: "64Mi"}, limits: {memory: "0.5Gi"}}`, requests: map[string]string{"cpu": "250m", "memory": "64Mi"}, limits: map[string]string{"memory": "512Mi"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := compileYAML(t, base+"resources: "+tc.resources+"\n")
			c := deployments(t, r)["web"].Spec.Template.Spec.Containers[0]
			for _, side := range []struct {
				name string
				got  map[string]string
				want map[string]string
			}{
				{"requests", quantities(c.Resources.Requests), tc.requests},
				{"limits", quantities(c.Resources.Limits), tc.limits},
			} {
				if len(side.got) != len(side.want) {
					t.Errorf("%s: got %v, want %v", side.name, side.got, side.want)
				}
				for k, want := range side.want {
					if side.got[k] != want {
						t.Errorf("%s.%s: got %q, want %q", side.name, k, side.got[k], want)
					}
				}
			}
		})
	}
}

func quantities(l corev1.ResourceList) map[string]string {
	m := map[string]string{}
	for k, q := range l {
		m[string(k)] = q.String()
	}
	return m
}

// TestVersionSettings: what a spec says about its pods reaches them in
// every strategy and pod security level.
func TestVersionSettings(t *testing.T) {
	const base = "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}]\nreplicas: 2\n"
	for _, tc := range []struct {
		name      string
		spec      string
		replicas  int32
		runAsUser int64 // 0: unset
		nonRoot   bool
	}{
		{name: "ramped, the version's replicas", spec: "stable: {version: v1, tag: \"1\", replicas: 5}\nstrategy: {ramped: {}}\n", replicas: 5, nonRoot: true},
		{name: "recreate, the version's replicas", spec: "stable: {version: v1, tag: \"1\", replicas: 0}\nstrategy: {recreate: {}}\n", replicas: 0, nonRoot: true},
		{name: "ramped, the release's replicas", spec: "stable: {version: v1, tag: \"1\"}\nstrategy: {ramped: {}}\n", replicas: 2, nonRoot: true},
		{name: "baseline keeps runAsUser", spec: "podSecurity: baseline\nrunAsUser: 1000\nstable: {version: v1, tag: \"1\"}\nstrategy: {recreate: {}}\n", replicas: 2, runAsUser: 1000},
		{name: "restricted with runAsUser", spec: "runAsUser: 1000\nstable: {version: v1, tag: \"1\"}\nstrategy: {recreate: {}}\n", replicas: 2, runAsUser: 1000, nonRoot: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := deployments(t, compileYAML(t, base+tc.spec))["web"]
			if d == nil {
				t.Fatal("no Deployment web")
			}
			if got := *d.Spec.Replicas; got != tc.replicas {
				t.Errorf("replicas = %d, want %d", got, tc.replicas)
			}
			sc := d.Spec.Template.Spec.SecurityContext
			var user int64
			if sc.RunAsUser != nil {
				user = *sc.RunAsUser
			}
			if user != tc.runAsUser {
				t.Errorf("runAsUser = %d, want %d", user, tc.runAsUser)
			}
			if got := sc.RunAsNonRoot != nil && *sc.RunAsNonRoot; got != tc.nonRoot {
				t.Errorf("runAsNonRoot = %v, want %v", got, tc.nonRoot)
			}
		})
	}
}

// TestUnservedTraffic: every request routed to a version that runs no
// pods is an error at that version's replicas, and nothing compiles; a
// share of them, or all of them to a version with fewer pods than the
// idle one, is a warning there; a version without traffic, or one
// version scaled to zero (no candidate), is neither.
func TestUnservedTraffic(t *testing.T) {
	const base = "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}]\nreplicas: 2\n"
	for _, tc := range []struct {
		name string
		spec string
		want string // the warning's field and start, "" for none
		err  string // the error's position, field and start, "" for none
	}{
		{name: "istio canary to an empty candidate", spec: "traffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 0}\nstrategy: {canary: {steps: [10, 100]}}\n",
			want: "candidate.replicas: the candidate version runs 0 pods but receives 10% of requests"},
		{name: "abTest match to an empty candidate", spec: "traffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 0}\nstrategy: {abTest: {match: [{headers: {x-beta: {exact: \"1\"}}}]}}\n",
			want: "candidate.replicas: the candidate runs 0 pods but receives the requests its match selects"},
		{name: "blue-green active version empty", spec: "stable: {version: v1, tag: \"1\", replicas: 0}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {blueGreen: {}}\n",
			err: "spec.yaml:5:33: stable.replicas: Service web sends every request to the stable version, which runs 0 pods: all of them fail"},
		{name: "istio blue-green flip onto an empty candidate", spec: "traffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 0}\nstrategy: {blueGreen: {active: candidate}}\n",
			err: "spec.yaml:7:36: candidate.replicas: the candidate version runs 0 pods but receives every request: all of them fail"},
		{name: "istio canary's last step onto an empty candidate", spec: "traffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 0}\nstrategy: {canary: {steps: [10, 100], step: 2}}\n",
			err: "spec.yaml:7:36: candidate.replicas: the candidate version runs 0 pods but receives every request"},
		{name: "istio canary's step 0 with an empty stable", spec: "traffic: istio\nstable: {version: v1, tag: \"1\", replicas: 0}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {canary: {steps: [10, 100], step: 0}}\n",
			err: "spec.yaml:6:33: stable.replicas: the stable version runs 0 pods but receives every request"},
		{name: "abTest's unmatched requests to an empty stable", spec: "traffic: istio\nstable: {version: v1, tag: \"1\", replicas: 0}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {abTest: {match: [{headers: {x-beta: {exact: \"1\"}}}]}}\n",
			want: "stable.replicas: the stable version runs 0 pods but receives 100% of the requests no match selects"},
		{name: "blue-green idle version empty", spec: "stable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 0}\nstrategy: {blueGreen: {}}\n"},
		{name: "shadow to an empty candidate", spec: "traffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 0}\nstrategy: {shadow: {}}\n",
			want: "candidate.replicas: the candidate version runs 0 pods, so the requests mirrored to it reach nothing"},
		{name: "shadow to a running candidate", spec: "traffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 1}\nstrategy: {shadow: {percent: 5}}\n"},
		{name: "one version scaled to zero", spec: "stable: {version: v1, tag: \"1\", replicas: 0}\nstrategy: {ramped: {}}\n"},
		{name: "istio canary without a candidate, stable scaled to zero", spec: "traffic: istio\nstable: {version: v1, tag: \"1\", replicas: 0}\nstrategy: {canary: {steps: [10, 100]}}\n"},
		{name: "blue-green without a candidate, stable scaled to zero", spec: "stable: {version: v1, tag: \"1\", replicas: 0}\nstrategy: {blueGreen: {}}\n"},
		{name: "istio canary's last step onto a smaller candidate", spec: "traffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 1}\nstrategy: {canary: {steps: [10, 100], step: 2}}\n",
			want: "candidate.replicas: the candidate version takes every request with 1 pod while stable keeps 2 that get none"},
		{name: "istio canary's first step onto a smaller candidate", spec: "traffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 1}\nstrategy: {canary: {steps: [10, 100]}}\n"},
		{name: "istio canary's last step, candidate full size", spec: "traffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {canary: {steps: [10, 100], step: 2}}\n"},
		{name: "native canary's last step", spec: "stable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {canary: {steps: [10, 100], step: 2}}\n"},
		{name: "blue-green flip onto a smaller candidate", spec: "stable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 1}\nstrategy: {blueGreen: {active: candidate}}\n",
			want: "candidate.replicas: the candidate version takes every request with 1 pod while stable keeps 2 that get none"},
		{name: "blue-green rollback onto a smaller stable", spec: "stable: {version: v1, tag: \"1\", replicas: 1}\ncandidate: {version: v2, tag: \"2\", replicas: 3}\nstrategy: {blueGreen: {active: stable}}\n",
			want: "stable.replicas: the stable version takes every request with 1 pod while candidate keeps 3 that get none"},
		{name: "blue-green, smaller candidate idle", spec: "stable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", replicas: 1}\nstrategy: {blueGreen: {}}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := compile.Bytes(&load.Loader{}, "spec.yaml", []byte(base+tc.spec))
			if tc.err != "" {
				var list diag.List
				if !errors.As(err, &list) || len(list) != 1 || rs != nil || !strings.HasPrefix(diag.FormatPos(list[0].Pos, "")+list[0].Error(), tc.err) {
					t.Fatalf("got %v (%d releases), want one error starting %q and no release", err, len(rs), tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			r := rs[0]
			var got []string
			for _, w := range r.Warnings {
				if strings.Contains(w.Text, "0 pods") || strings.Contains(w.Text, "takes every request") {
					got = append(got, w.Error())
				}
			}
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("got %q, want no warning", got)
			case tc.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tc.want)):
				t.Errorf("got %q, want one warning starting %q", got, tc.want)
			}
		})
	}
}

// TestUnroutedPorts: where routes split traffic between versions, a port
// they cannot cover (TLS by name, UDP) is warned about, at the port.
func TestUnroutedPorts(t *testing.T) {
	const ports = "ports:\n- {name: http, containerPort: 8080}\n- {name: https-admin, containerPort: 8443}\n- {name: dns, containerPort: 5353, protocol: UDP}\n- {name: tcp-events, containerPort: 7000}\n"
	const base = "name: web\nimage: example/web\nreplicas: 2\nstable: {version: v1, tag: \"1\"}\n" + ports
	for _, tc := range []struct {
		name string
		spec string
		want []string // warnings' field and start
	}{
		{name: "istio canary", spec: base + "traffic: istio\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {canary: {steps: [10, 100]}}\n", want: []string{
			"ports[1].name: Istio routes TLS port https-admin by SNI host",
			"ports[2].protocol: Istio does not route UDP: traffic to port dns reaches every version's pods"}},
		{name: "istio, one version", spec: base + "traffic: istio\nstrategy: {canary: {steps: [10, 100]}}\n"},
		{name: "native blue-green", spec: base + "candidate: {version: v2, tag: \"2\"}\nstrategy: {blueGreen: {}}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := compileYAML(t, tc.spec)
			var got []string
			for _, w := range r.Warnings {
				if strings.Contains(w.Text, "every version's pods") {
					got = append(got, w.Error())
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %d warnings starting %q", got, len(tc.want), tc.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("warning %d = %q, want it to start %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestUnservedAllAtOnce: the generators' errors fail the compile with
// every other release's problems, each at its own spec's field, and no
// release compiles.
func TestUnservedAllAtOnce(t *testing.T) {
	const spec = "name: %s\nimage: example/web\nports: [{name: http, containerPort: 8080}]\nreplicas: 2\nstable: {version: v1, tag: \"1\", replicas: 0}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {blueGreen: {}}\n"
	src := strings.ReplaceAll(spec, "%s", "web") + "---\n" + strings.ReplaceAll(spec, "%s", "api") + "---\n" + strings.ReplaceAll(strings.Replace(spec, ", replicas: 0", "", 1), "%s", "ok")
	rs, err := compile.Bytes(&load.Loader{}, "spec.yaml", []byte(src))
	var list diag.List
	if !errors.As(err, &list) || rs != nil {
		t.Fatalf("got %v (%d releases), want errors and no release", err, len(rs))
	}
	var got []string
	for _, d := range list {
		got = append(got, diag.FormatPos(d.Pos, "")+d.Field)
	}
	if want := []string{"spec.yaml:5:33: stable.replicas", "spec.yaml:13:33: stable.replicas"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
