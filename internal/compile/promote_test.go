package compile_test

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/istio"
	"github.com/rollspec/rollspec/internal/load"
)

func compileYAML(t *testing.T, src string) *compile.Release {
	t.Helper()
	rs, err := compile.Bytes(&load.Loader{}, "spec.yaml", []byte(src))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if len(rs) != 1 {
		t.Fatalf("got %d releases, want 1", len(rs))
	}
	return rs[0]
}

func deployments(t *testing.T, r *compile.Release) map[string]*appsv1.Deployment {
	m := map[string]*appsv1.Deployment{}
	for _, d := range split(t, r.Result.Objects).deployments {
		m[d.Name] = d
	}
	return m
}

// TestPromotion: moving the candidate to stable must leave its pod
// template untouched (no restarts) and drop the old version's Deployment.
func TestPromotion(t *testing.T) {
	const base = `
name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 4
config: {MODE: fast}
changeCause: "release v2"
container: {args: [--serve], env: [{name: PW, valueFrom: {secretKeyRef: {name: db, key: pw}}}], volumeMounts: [{name: cache, mountPath: /cache}]}
pod: {volumes: [{name: cache, emptyDir: {}}], containers: [{name: side, image: example/side:1}]}
`
	// The candidate's own container and pod, which promotion moves to
	// stable with it.
	const overlay = `container: {args: [--serve, --fast], env: [{name: NEW, value: "1"}]}, pod: {containers: [{name: side, image: example/side:2}], volumes: [{name: scratch, emptyDir: {}}]}`
	for _, tc := range []struct {
		name     string
		strategy string // during the release
		after    string // once the candidate is stable
		traffic  string
	}{
		{name: "canary native", strategy: "canary: {steps: [25, 100], step: 2}", after: "canary: {steps: [25, 100]}", traffic: "native"},
		{name: "canary istio", strategy: "canary: {steps: [25, 100], step: 2}", after: "canary: {steps: [25, 100]}", traffic: "istio"},
		{name: "blue-green", strategy: "blueGreen: {active: candidate, preview: true}", after: "blueGreen: {preview: true}", traffic: "native"},
		{name: "ab test", strategy: "abTest: {match: [{headers: {x-beta: {exact: \"1\"}}}]}", after: "abTest: {match: [{headers: {x-beta: {exact: \"1\"}}}]}", traffic: "istio"},
		{name: "shadow", strategy: "shadow: {percent: 10}", after: "shadow: {}", traffic: "istio"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			during := compileYAML(t, base+"traffic: "+tc.traffic+`
stable: {version: "v1", tag: "1"}
candidate: {version: "v2", tag: "2", `+overlay+`}
strategy: {`+tc.strategy+"}\n")
			after := compileYAML(t, base+"traffic: "+tc.traffic+`
stable: {version: "v2", tag: "2", `+overlay+`}
strategy: {`+tc.after+"}\n")
			before, promoted := deployments(t, during), deployments(t, after)
			cand, ok := before["web-v2"]
			if !ok {
				t.Fatalf("no candidate Deployment web-v2 in %v", keys(before))
			}
			now, ok := promoted["web-v2"]
			if !ok {
				t.Fatalf("promoted Deployment web-v2 missing: %v", keys(promoted))
			}
			if !reflect.DeepEqual(cand.Spec.Template, now.Spec.Template) {
				t.Errorf("promotion changed the pod template:\nbefore %+v\nafter  %+v", cand.Spec.Template, now.Spec.Template)
			}
			// The overlay is the candidate's alone: stable runs the
			// release's pod.
			if c := cand.Spec.Template.Spec; !slices.Contains(c.Containers[0].Args, "--fast") || c.Containers[1].Image != "example/side:2" || len(c.Volumes) != 2 {
				t.Errorf("the candidate's overlay is missing from its pod: args %v, sidecar %s, %d volumes", c.Containers[0].Args, c.Containers[1].Image, len(c.Volumes))
			}
			if st, ok := before["web-v1"]; ok {
				if c := st.Spec.Template.Spec; slices.Contains(c.Containers[0].Args, "--fast") || c.Containers[1].Image != "example/side:1" {
					t.Errorf("stable runs the candidate's overlay: args %v, sidecar %s", c.Containers[0].Args, c.Containers[1].Image)
				}
			}
			if !reflect.DeepEqual(cand.Spec.Selector, now.Spec.Selector) {
				t.Errorf("promotion changed the selector")
			}
			if _, ok := promoted["web-v1"]; ok {
				t.Errorf("old version's Deployment web-v1 still compiled after promotion")
			}
		})
	}
}

func keys(m map[string]*appsv1.Deployment) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

// TestNativeCanarySplit checks the replica split and the effective-weight
// warning at each step.
func TestNativeCanarySplit(t *testing.T) {
	for _, tc := range []struct {
		replicas, weight   int32
		wantStable, wantCd int32
		wantWarning        string
	}{
		{replicas: 4, weight: 10, wantStable: 3, wantCd: 1, wantWarning: "requested 10%, effective 25% (1 of 4 pods); use traffic: istio for exact weights"},
		{replicas: 4, weight: 25, wantStable: 3, wantCd: 1},
		{replicas: 4, weight: 50, wantStable: 2, wantCd: 2},
		{replicas: 10, weight: 10, wantStable: 9, wantCd: 1},
		{replicas: 3, weight: 50, wantStable: 1, wantCd: 2, wantWarning: "requested 50%, effective 66.7% (2 of 3 pods); use traffic: istio for exact weights"},
		{replicas: 2, weight: 99, wantStable: 1, wantCd: 1, wantWarning: "requested 99%, effective 50% (1 of 2 pods); use traffic: istio for exact weights"},
		{replicas: 4, weight: 100, wantStable: 0, wantCd: 4},
	} {
		t.Run("", func(t *testing.T) {
			steps := "[" + itoa(tc.weight) + "]"
			if tc.weight != 100 {
				steps = "[" + itoa(tc.weight) + ", 100]"
			}
			r := compileYAML(t, `
name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: `+itoa(tc.replicas)+`
stable: {version: "v1", tag: "1"}
candidate: {version: "v2", tag: "2"}
strategy: {canary: {steps: `+steps+`, step: 1}}
`)
			ds := deployments(t, r)
			if got := *ds["web-v1"].Spec.Replicas; got != tc.wantStable {
				t.Errorf("stable replicas = %d, want %d", got, tc.wantStable)
			}
			if got := *ds["web-v2"].Spec.Replicas; got != tc.wantCd {
				t.Errorf("candidate replicas = %d, want %d", got, tc.wantCd)
			}
			var got string
			for _, w := range r.Warnings {
				if w.Field == fieldpath.Strategy.Canary.Steps.At(0).String() {
					got = w.Text
				}
			}
			if got != tc.wantWarning {
				t.Errorf("warning = %q, want %q", got, tc.wantWarning)
			}
		})
	}
}

func itoa(i int32) string { return strconv.Itoa(int(i)) }

// TestIstioTransitions: `kubectl apply` of the next revision is not
// atomic. Objects land in output order (DestinationRule before
// VirtualService) and old Deployments are pruned last, so for a moment the
// new DestinationRule serves the old VirtualService, or the old one the
// new. In every mix, each subset a route sends traffic to must exist and
// select pods of a Deployment that is still there; a missing subset is
// HTTP 503 for its share of requests.
func TestIstioTransitions(t *testing.T) {
	const base = "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}, {name: tcp-events, containerPort: 7000}]\nreplicas: 2\ntraffic: istio\n"
	const v1, v2 = "stable: {version: v1, tag: \"1\"}\n", "stable: {version: v2, tag: \"2\"}\n"
	const cand = "candidate: {version: v2, tag: \"2\"}\n"
	for _, tc := range []struct{ name, steady, during string }{
		{name: "canary", steady: "strategy: {canary: {steps: [10, 100]}}\n", during: "strategy: {canary: {steps: [10, 100], step: 2}}\n"},
		{name: "blue-green", steady: "strategy: {blueGreen: {}}\n", during: "strategy: {blueGreen: {active: candidate}}\n"},
		{name: "ab test", steady: "strategy: {abTest: {match: [{headers: {x-beta: {exact: \"1\"}}}]}}\n", during: "strategy: {abTest: {match: [{headers: {x-beta: {exact: \"1\"}}}]}}\n"},
		{name: "shadow", steady: "strategy: {shadow: {}}\n", during: "strategy: {shadow: {percent: 50}}\n"},
	} {
		steady1 := compileYAML(t, base+v1+tc.steady)
		during := compileYAML(t, base+v1+cand+tc.during)
		steady2 := compileYAML(t, base+v2+tc.steady)
		for _, step := range []struct {
			name     string
			from, to *compile.Release
		}{
			{name: "start", from: steady1, to: during},
			{name: "promote", from: during, to: steady2},
			{name: "roll back", from: during, to: steady1},
		} {
			t.Run(tc.name+"/"+step.name, func(t *testing.T) {
				from, to := split(t, step.from.Result.Objects), split(t, step.to.Result.Objects)
				pods := append(append([]*appsv1.Deployment(nil), from.deployments...), to.deployments...)
				for _, mix := range []struct {
					name string
					dr   []*istio.DestinationRule
					vs   []*istio.VirtualService
				}{
					{name: "new DestinationRule, old VirtualService", dr: to.rules, vs: from.virtuals},
					{name: "old DestinationRule, new VirtualService", dr: from.rules, vs: to.virtuals},
				} {
					subsets := map[string]map[string]string{}
					for _, dr := range mix.dr {
						for _, s := range dr.Spec.Subsets {
							subsets[s.Name] = s.Labels
						}
					}
					for _, vs := range mix.vs {
						for _, d := range routedSubsets(vs) {
							sel, ok := subsets[d]
							if !ok {
								t.Errorf("%s: VirtualService %s routes to subset %s, which the DestinationRule lacks", mix.name, vs.Name, d)
								continue
							}
							if !slices.ContainsFunc(pods, func(dep *appsv1.Deployment) bool {
								return labels.SelectorFromSet(sel).Matches(labels.Set(dep.Spec.Template.Labels))
							}) {
								t.Errorf("%s: subset %s selects no Deployment's pods", mix.name, d)
							}
						}
					}
				}
			})
		}
	}
}

// routedSubsets lists the subsets vs sends traffic (or a mirror) to.
func routedSubsets(vs *istio.VirtualService) []string {
	var out []string
	for _, h := range vs.Spec.HTTP {
		for _, d := range h.Route {
			out = append(out, d.Destination.Subset)
		}
		if h.Mirror != nil {
			out = append(out, h.Mirror.Subset)
		}
	}
	for _, r := range vs.Spec.TCP {
		for _, d := range r.Route {
			out = append(out, d.Destination.Subset)
		}
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// TestIstioCanaryStepZero: an Istio canary at step 0 runs the candidate
// at its full replicas while every route sends all traffic to stable, and
// going on to step 1 (or to an A/B test) changes only the routes, so the
// candidate's pods are ready before the first request reaches them.
func TestIstioCanaryStepZero(t *testing.T) {
	const spec = "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}, {name: tcp-events, containerPort: 7000}]\nreplicas: 3\ntraffic: istio\n" +
		"stable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {canary: {steps: [10, 100], step: %d}}\n"
	zero, one := split(t, compileYAML(t, strings.ReplaceAll(spec, "%d", "0")).Result.Objects), split(t, compileYAML(t, strings.ReplaceAll(spec, "%d", "1")).Result.Objects)

	replicas := map[string]int32{}
	for _, d := range zero.deployments {
		replicas[d.Name] = *d.Spec.Replicas
	}
	if want := map[string]int32{"web-v1": 3, "web-v2": 3}; !reflect.DeepEqual(replicas, want) {
		t.Errorf("step 0 runs %v, want %v", replicas, want)
	}
	for _, vs := range zero.virtuals {
		if got := slices.Compact(slices.Sorted(slices.Values(routedSubsets(vs)))); !slices.Equal(got, []string{"stable"}) {
			t.Errorf("step 0: VirtualService %s routes to %v, want only stable", vs.Name, got)
		}
	}
	var subsets []string
	for _, dr := range zero.rules {
		for _, s := range dr.Spec.Subsets {
			subsets = append(subsets, s.Name)
		}
	}
	if !slices.Contains(subsets, "candidate") {
		t.Errorf("step 0: DestinationRule subsets %v lack candidate, so step 1's route would precede its subset", subsets)
	}
	if !reflect.DeepEqual(zero.deployments, one.deployments) || !reflect.DeepEqual(zero.services, one.services) || !reflect.DeepEqual(zero.rules, one.rules) {
		t.Error("step 0 → 1 changed more than the VirtualService")
	}
	// An A/B test starts the same way: from a canary at step 0, switching
	// the strategy changes only the routes.
	ab := split(t, compileYAML(t, strings.ReplaceAll(spec, "canary: {steps: [10, 100], step: %d}", `abTest: {match: [{headers: {x-beta: {exact: "1"}}}]}`)).Result.Objects)
	if !reflect.DeepEqual(zero.deployments, ab.deployments) || !reflect.DeepEqual(zero.services, ab.services) || !reflect.DeepEqual(zero.rules, ab.rules) {
		t.Error("canary step 0 → abTest changed more than the VirtualService")
	}
	var cand []string
	for _, vs := range one.virtuals {
		cand = append(cand, routedSubsets(vs)...)
	}
	if !slices.Contains(cand, "candidate") {
		t.Errorf("step 1 routes to %v, no candidate", cand)
	}
}

// TestPartitionedPodsFirst: a partitioned StatefulSet behind Istio whose
// routes wait for the pods (routed: false) routes every request to the
// host, over every ready pod, with no weight and no TCP route, while the
// DestinationRule keeps both versions' subsets; without it, the step's
// weights.
func TestPartitionedPodsFirst(t *testing.T) {
	const spec = "name: db\nimage: example/db\nports: [{name: http, containerPort: 8080}, {name: tcp-repl, containerPort: 7000}]\nworkload: StatefulSet\nreplicas: 7\ntraffic: istio\nrunAsUser: 1000\n" +
		"stable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {partitioned: {steps: [1, 3, 7], step: 2%s}}\n"
	for _, tc := range []struct{ name, routed, want string }{
		{name: "routes follow", want: "stable 57, candidate 43; tcp 1"},
		{name: "routes wait", routed: ", routed: false", want: "host 0; tcp 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := split(t, compileYAML(t, fmt.Sprintf(spec, tc.routed)).Result.Objects)
			if len(o.virtuals) != 1 || len(o.rules) != 1 || len(o.rules[0].Spec.Subsets) != 2 {
				t.Fatalf("%d VirtualServices, %d DestinationRules (want 1 each, with 2 subsets)", len(o.virtuals), len(o.rules))
			}
			var got []string
			for _, d := range o.virtuals[0].Spec.HTTP[len(o.virtuals[0].Spec.HTTP)-1].Route {
				sub := d.Destination.Subset
				if sub == "" {
					sub = "host"
				}
				got = append(got, fmt.Sprintf("%s %d", sub, d.Weight))
			}
			if s := strings.Join(got, ", ") + fmt.Sprintf("; tcp %d", len(o.virtuals[0].Spec.TCP)); s != tc.want {
				t.Errorf("routes %q, want %q", s, tc.want)
			}
		})
	}
}
