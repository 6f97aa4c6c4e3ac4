package e2e

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/release"
)

// autoscaledSpec is an Istio canary (two Deployments, both autoscaled
// from 2 to 6 pods, each with a budget of one unavailable pod) in ns.
func autoscaledSpec(ns string) string {
	return fmt.Sprintf(`name: web
namespace: %s
image: example/web
ports: [{name: http, containerPort: 8080}]
readinessProbe: {http: {path: /healthz}}
runAsUser: 1000
resources: {requests: {cpu: 100m}}
autoscaler: {minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 80}
podDisruptionBudget: {maxUnavailable: 1}
traffic: istio
stable: {version: "v1", tag: "v1"}
candidate: {version: "v2", tag: "v2"}
strategy: {canary: {steps: [10, 100], step: 1}}
`, ns)
}

// TestAutoscaledReplicasKept applies an autoscaled release, scales one
// Deployment through its scale subresource as the HPA controller would,
// and applies the same compiled output again, client-side and
// server-side: the compiled Deployments have no spec.replicas, so the
// apply leaves the autoscaler's count alone and owns no replicas field.
// On the way it checks that the API server admitted the
// HorizontalPodAutoscalers and PodDisruptionBudgets as compiled, that
// each budget selects exactly its Deployment's pods, and that the
// disruption controller counts those pods, before and after the scale.
// A control run with replicas written proves the re-apply would reset them.
func TestAutoscaledReplicasKept(t *testing.T) {
	needCluster(t)
	for _, tc := range []struct {
		name    string
		args    []string // kubectl apply flags
		manager string   // the field manager the apply writes as
		// control applies the output with replicas: 2 written in each
		// Deployment, as a compiler ignoring the autoscaler would: the
		// re-apply must then reset the count, proving the test can see it.
		control bool
	}{
		{name: "client-side", manager: "kubectl-client-side-apply"},
		{name: "server-side", args: []string{"--server-side"}, manager: "kubectl"},
		{name: "control", manager: "kubectl-client-side-apply", control: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ns := "autoscaled-" + tc.name
			namespace(t, ns, release.PodSecurityRestricted)
			r := compileSpec(t, autoscaledSpec(ns))
			deps := deploymentsOf(r)
			if len(deps) != 2 {
				t.Fatalf("compiled %d Deployments, want stable and candidate", len(deps))
			}
			for _, d := range deps {
				if d.Spec.Replicas != nil {
					t.Fatalf("deployment %s compiled with replicas %d beside an autoscaler", d.Name, *d.Spec.Replicas)
				}
			}

			output := r.YAML
			if tc.control {
				output = bytes.ReplaceAll(output, []byte("\nspec:\n  progressDeadlineSeconds:"), []byte("\nspec:\n  replicas: 2\n  progressDeadlineSeconds:"))
				if bytes.Count(output, []byte("\n  replicas: 2\n")) != len(deps) {
					t.Fatal("control: could not write replicas into every Deployment")
				}
			}

			apply(t, output, tc.args...)
			waitRollout(t, r) // the HPA controller scaled each to minReplicas
			checkAutoscalers(t, r)
			checkBudgets(t, r, map[string]int32{"web-v1": 2, "web-v2": 2})

			// Scale stable as the HPA controller does, within its bounds.
			const scaled = 5
			kubectl(t, nil, "scale", "-n", ns, "deployment/web-v1", fmt.Sprintf("--replicas=%d", scaled))
			kubectl(t, nil, "rollout", "status", "-n", ns, "deployment/web-v1", "--timeout=120s")
			before := liveDeployments(t, ns)

			apply(t, output, tc.args...)
			after := liveDeployments(t, ns)
			if tc.control {
				if got := ptrString(after["web-v1"].Spec.Replicas); got != "2" {
					t.Errorf("control: re-applying replicas: 2 left spec.replicas %s, want it reset to 2", got)
				}
				return
			}
			for name, want := range map[string]int32{"web-v1": scaled, "web-v2": 2} {
				d := after[name]
				if d.Spec.Replicas == nil || *d.Spec.Replicas != want {
					t.Errorf("deployment %s after re-applying: spec.replicas %s, want %d", name, ptrString(d.Spec.Replicas), want)
				}
				if d.Generation != before[name].Generation {
					t.Errorf("deployment %s: re-applying the same output moved its generation from %d to %d",
						name, before[name].Generation, d.Generation)
				}
				for _, m := range d.ManagedFields {
					if m.Manager == tc.manager && m.FieldsV1 != nil && strings.Contains(string(m.FieldsV1.Raw), `"f:replicas"`) {
						t.Errorf("deployment %s: the apply's field manager %s (%s) owns spec.replicas: %s", name, m.Manager, m.Operation, m.FieldsV1.Raw)
					}
				}
				if last := d.Annotations["kubectl.kubernetes.io/last-applied-configuration"]; strings.Contains(last, `"replicas"`) {
					t.Errorf("deployment %s: last-applied-configuration holds replicas: %s", name, last)
				}
			}
			kubectl(t, nil, "rollout", "status", "-n", ns, "deployment/web-v1", "--timeout=120s")
			if n := len(pods(t, ns, release.LabelVersion+"=v1")); n != scaled {
				t.Errorf("%d pods of web-v1 after re-applying, want %d", n, scaled)
			}
			checkBudgets(t, r, map[string]int32{"web-v1": scaled, "web-v2": 2})
		})
	}
}

// liveDeployments returns the Deployments in ns by name, with their
// managed fields.
func liveDeployments(t *testing.T, ns string) map[string]appsv1.Deployment {
	t.Helper()
	var list struct {
		Items []appsv1.Deployment `json:"items"`
	}
	getJSON(t, &list, "deployments", "-n", ns, "--show-managed-fields")
	m := map[string]appsv1.Deployment{}
	for _, d := range list.Items {
		m[d.Name] = d
	}
	return m
}

// checkAutoscalers checks that every compiled HorizontalPodAutoscaler
// is in the cluster with the compiled spec, and logs what the HPA
// controller made of it (without a metrics server it cannot read CPU).
func checkAutoscalers(t *testing.T, r *compile.Release) {
	t.Helper()
	hpas := objectsOf[*autoscalingv2.HorizontalPodAutoscaler](r)
	if len(hpas) == 0 {
		t.Fatal("compiled no HorizontalPodAutoscaler")
	}
	for _, want := range hpas {
		var got autoscalingv2.HorizontalPodAutoscaler
		getJSON(t, &got, "horizontalpodautoscalers.v2.autoscaling", "-n", want.Namespace, want.Name)
		if !reflect.DeepEqual(got.Spec, want.Spec) {
			t.Errorf("HorizontalPodAutoscaler %s/%s: live spec %+v, compiled %+v", want.Namespace, want.Name, got.Spec, want.Spec)
		}
		var conds []string
		for _, c := range got.Status.Conditions {
			conds = append(conds, fmt.Sprintf("%s=%s (%s)", c.Type, c.Status, c.Reason))
		}
		t.Logf("HorizontalPodAutoscaler %s: current %d, desired %d replicas; %s",
			got.Name, got.Status.CurrentReplicas, got.Status.DesiredReplicas, strings.Join(conds, ", "))
	}
}

// checkBudgets checks that every compiled PodDisruptionBudget is in the
// cluster, that its live selector selects exactly the pods of the
// Deployment it was compiled for — want[name] of them, no other
// Deployment's — and that the disruption controller comes to count them:
// expectedPods and currentHealthy are the pods, desiredHealthy leaves out
// the budget's maxUnavailable, and that many evictions are allowed.
func checkBudgets(t *testing.T, r *compile.Release, want map[string]int32) {
	t.Helper()
	budgets := objectsOf[*policyv1.PodDisruptionBudget](r)
	if len(budgets) != len(want) {
		t.Fatalf("compiled %d PodDisruptionBudgets, want %d", len(budgets), len(want))
	}
	ns := r.Spec.Release.Namespace
	all := pods(t, ns, release.LabelName+"="+r.Spec.Release.Name)
	for _, b := range budgets {
		n, ok := want[b.Name]
		if !ok {
			t.Fatalf("PodDisruptionBudget %s: no Deployment of that name expected", b.Name)
		}
		var live policyv1.PodDisruptionBudget
		getJSON(t, &live, "poddisruptionbudgets", "-n", ns, b.Name)
		if !reflect.DeepEqual(live.Spec, b.Spec) {
			t.Errorf("PodDisruptionBudget %s: live spec %+v, compiled %+v", b.Name, live.Spec, b.Spec)
		}
		if b.Spec.MaxUnavailable == nil {
			t.Fatalf("PodDisruptionBudget %s: no maxUnavailable", b.Name)
		}
		unavail, err := intstr.GetScaledValueFromIntOrPercent(b.Spec.MaxUnavailable, int(n), true)
		if err != nil {
			t.Fatal(err)
		}
		desired, allowed := max(n-int32(unavail), 0), min(int32(unavail), n)
		sel, err := metav1.LabelSelectorAsSelector(live.Spec.Selector)
		if err != nil {
			t.Fatal(err)
		}
		var selected, owned []string
		for _, p := range pods(t, ns, sel.String()) {
			selected = append(selected, p.Metadata.Name)
		}
		for _, p := range all {
			if strings.HasPrefix(p.Metadata.Name, b.Name+"-") { // the Deployment's ReplicaSet's pods
				owned = append(owned, p.Metadata.Name)
			}
		}
		slices.Sort(selected)
		slices.Sort(owned)
		if !slices.Equal(selected, owned) || len(owned) != int(n) {
			t.Errorf("PodDisruptionBudget %s selects pods %v; Deployment %s has %v, want %d", b.Name, selected, b.Name, owned, n)
		}
		eventually(t, timeoutRollout, func() string {
			var s policyv1.PodDisruptionBudget
			getJSON(t, &s, "poddisruptionbudgets", "-n", ns, b.Name)
			st := s.Status
			if st.ObservedGeneration == s.Generation && st.ExpectedPods == n && st.CurrentHealthy == n &&
				st.DesiredHealthy == desired && st.DisruptionsAllowed == allowed {
				return ""
			}
			return fmt.Sprintf("PodDisruptionBudget %s: status expected %d, healthy %d, desired %d, allowed %d (generation %d observed %d); want %d, %d, %d, %d",
				b.Name, st.ExpectedPods, st.CurrentHealthy, st.DesiredHealthy, st.DisruptionsAllowed, s.Generation, st.ObservedGeneration, n, n, desired, allowed)
		})
	}
}
