package compile_test

import (
	"fmt"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/rollspec/rollspec/release"
)

// checkScaling asserts the autoscalers and disruption budgets: with an
// autoscaler, each Deployment has exactly one HorizontalPodAutoscaler
// targeting it and no spec.replicas (the autoscaler owns the count);
// without one, none and replicas written. With a budget, each Deployment
// has exactly one PodDisruptionBudget, whose selector is the
// Deployment's and selects no other Deployment's pods.
func checkScaling(t *testing.T, r *release.Release, o objects) {
	t.Helper()
	targets := map[string]int{}
	// Each Deployment's autoscaler minimum: its version's own
	// autoscaler.minReplicas, else the release's.
	mins := map[string]int32{}
	for _, d := range o.deployments {
		for _, v := range r.Versions() {
			if v.Version.Version == d.Spec.Template.Labels[release.LabelVersion] {
				mins[d.Name] = r.MinReplicas(v.Version)
			}
		}
	}
	for _, h := range o.autoscalers {
		ref := h.Spec.ScaleTargetRef
		if ref.APIVersion != "apps/v1" || ref.Kind != "Deployment" {
			t.Errorf("HorizontalPodAutoscaler %s targets %s %s, want an apps/v1 Deployment", h.Name, ref.APIVersion, ref.Kind)
		}
		targets[ref.Name]++
		if as := r.Autoscaler; as != nil && (h.Spec.MinReplicas == nil || *h.Spec.MinReplicas != mins[ref.Name] || h.Spec.MaxReplicas != as.MaxReplicas || len(h.Spec.Metrics) == 0) {
			t.Errorf("HorizontalPodAutoscaler %s: min %v max %d with %d metrics, want %d to %d with a metric", h.Name, h.Spec.MinReplicas, h.Spec.MaxReplicas, len(h.Spec.Metrics), mins[ref.Name], as.MaxReplicas)
		}
	}
	for _, d := range o.deployments {
		autoscaled := r.Autoscaler != nil
		if n := targets[d.Name]; autoscaled && n != 1 || !autoscaled && n != 0 {
			t.Errorf("Deployment %s has %d HorizontalPodAutoscalers (autoscaler set: %v)", d.Name, n, autoscaled)
		}
		delete(targets, d.Name)
		if autoscaled != (d.Spec.Replicas == nil) {
			t.Errorf("Deployment %s: spec.replicas %v with autoscaler set: %v (the autoscaler owns the count)", d.Name, d.Spec.Replicas, autoscaled)
		}
	}
	// Each budget selects exactly one workload's pods, by that
	// workload's own selector; each Deployment and StatefulSet has one
	// budget.
	budgets := map[string]int{}
	for _, b := range o.budgets {
		var selected []string
		for _, d := range o.workloads {
			if labels.SelectorFromSet(b.Spec.Selector.MatchLabels).Matches(labels.Set(d.template.Labels)) {
				selected = append(selected, d.name)
				if !reflect.DeepEqual(b.Spec.Selector.MatchLabels, d.selector) {
					t.Errorf("PodDisruptionBudget %s selects %v, %s's selector is %v", b.Name, b.Spec.Selector, d.what, d.selector)
				}
			}
		}
		if len(selected) != 1 {
			t.Errorf("PodDisruptionBudget %s selects the pods of Deployments %v, want exactly one", b.Name, selected)
			continue
		}
		budgets[selected[0]]++
		if (b.Spec.MinAvailable == nil) == (b.Spec.MaxUnavailable == nil) {
			t.Errorf("PodDisruptionBudget %s sets minAvailable %v and maxUnavailable %v, want exactly one", b.Name, b.Spec.MinAvailable, b.Spec.MaxUnavailable)
		}
	}
	for _, d := range o.workloads {
		want := 0
		if r.PodDisruptionBudget != nil {
			want = 1
		}
		if budgets[d.name] != want {
			t.Errorf("%s has %d PodDisruptionBudgets, want %d", d.what, budgets[d.name], want)
		}
	}
	for name := range targets {
		t.Errorf("a HorizontalPodAutoscaler targets %s, which is not a compiled Deployment", name)
	}
	if len(o.budgets) != len(budgets) {
		t.Errorf("%d PodDisruptionBudgets for %d workloads with one", len(o.budgets), len(budgets))
	}
}

// TestScalingInvariants compiles every strategy, during a release and in
// its steady state, with and without an autoscaler, each with a
// disruption budget, and checks every invariant on the result.
func TestScalingInvariants(t *testing.T) {
	strategies := []struct {
		strategy, traffic string
		twoVersion        bool
	}{
		{"recreate: {}", "native", false},
		{"ramped: {maxSurge: 1, maxUnavailable: 0}", "native", false},
		{"blueGreen: {preview: true}", "native", true},
		{"blueGreen: {}", "istio", true},
		{"canary: {steps: [25, 100]}", "native", true},
		{"canary: {steps: [25, 100], step: 0}", "istio", true},
		{"abTest: {match: [{headers: {x-beta: {exact: \"1\"}}}]}", "istio", true},
		{"shadow: {percent: 10}", "istio", true},
	}
	for _, s := range strategies {
		for _, candidate := range []bool{false, true} {
			if candidate && !s.twoVersion {
				continue
			}
			for _, scaled := range []bool{false, true} {
				if scaled && s.traffic == "native" && s.strategy[:6] == "canary" {
					continue // refused: TestValidation
				}
				src := fmt.Sprintf(`name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
resources: {requests: {cpu: 100m}}
traffic: %s
stable: {version: "v1", tag: "1"}
strategy: {%s}
`, s.traffic, s.strategy)
				if candidate && scaled {
					// The candidate's own autoscaler minimum, for its
					// Deployment only.
					src += "candidate: {version: \"v2\", tag: \"2\", autoscaler: {minReplicas: 7}}\n"
				} else if candidate {
					src += "candidate: {version: \"v2\", tag: \"2\"}\n"
				}
				if scaled {
					src += "autoscaler: {minReplicas: 3, maxReplicas: 9, targetCPUUtilizationPercentage: 60}\npodDisruptionBudget: {minAvailable: \"50%\"}\n"
				} else {
					src += "replicas: 4\npodDisruptionBudget: {maxUnavailable: 1, unhealthyPodEvictionPolicy: AlwaysAllow}\n"
				}
				t.Run(fmt.Sprintf("%s %s candidate=%v autoscaler=%v", s.strategy, s.traffic, candidate, scaled), func(t *testing.T) {
					rel := compileYAML(t, src)
					checkInvariants(t, rel)
					o := split(t, rel.Result.Objects)
					if scaled && len(o.autoscalers) == 0 || len(o.budgets) == 0 {
						t.Errorf("compiled %d HorizontalPodAutoscalers and %d PodDisruptionBudgets", len(o.autoscalers), len(o.budgets))
					}
					var seven int
					for _, h := range o.autoscalers {
						if *h.Spec.MinReplicas == 7 {
							seven++
						}
					}
					if want := map[bool]int{true: 1}[candidate && scaled]; seven != want {
						t.Errorf("%d HorizontalPodAutoscalers at the candidate's minReplicas 7, want %d", seven, want)
					}
				})
			}
		}
	}
}
