package stage_test

import (
	"path/filepath"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/istio"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/internal/testfs"
	"github.com/rollspec/rollspec/release"
)

// TestNowIsWhatCompiles: for every example, the plan's current stage says
// what the compiled objects do — each workload's pods are its replicas
// (an autoscaled one's, its autoscaler's minimum) of the version its pod
// template runs, and Istio's shares are the VirtualService's weights.
func TestNowIsWhatCompiles(t *testing.T) {
	l := &load.Loader{}
	checked := 0
	for _, name := range testfs.Examples(t, "../../examples") {
		rs, err := compile.Paths(l, specpath.Contained, []string{filepath.Join("../../examples", name)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range rs {
			t.Run(r.Spec.Release.Namespace+"/"+r.Spec.Release.Name, func(t *testing.T) {
				p, err := stage.Of(r.Spec.Release, nil)
				if err != nil {
					t.Fatal(err)
				}
				now := p.Stages[0]
				pods := map[string]int32{}
				versions := map[string]map[string]bool{}
				for _, ps := range now.Pods {
					pods[ps.Workload] += ps.Count
					if versions[ps.Workload] == nil {
						versions[ps.Workload] = map[string]bool{}
					}
					if ps.Count > 0 {
						versions[ps.Workload][ps.Version] = true
					}
				}
				minimum := map[string]int32{}
				for _, o := range r.Result.Objects {
					if h, ok := o.(*autoscalingv2.HorizontalPodAutoscaler); ok && h.Spec.MinReplicas != nil {
						minimum[h.Spec.ScaleTargetRef.Name] = *h.Spec.MinReplicas
					}
				}
				for _, o := range r.Result.Objects {
					var replicas *int32
					switch w := o.(type) {
					case *appsv1.Deployment:
						replicas = w.Spec.Replicas
						if replicas == nil {
							m := minimum[w.Name]
							replicas = &m
						}
					case *appsv1.StatefulSet:
						replicas = w.Spec.Replicas
					default:
						continue
					}
					if pods[o.GetName()] != *replicas {
						t.Errorf("%s: the plan runs %d pods, the workload %d", o.GetName(), pods[o.GetName()], *replicas)
					}
					checked++
				}
				for _, o := range r.Result.Objects {
					d, ok := o.(*appsv1.Deployment)
					if !ok {
						continue
					}
					if v := d.Spec.Template.Labels[release.LabelVersion]; len(versions[d.Name]) > 0 && !versions[d.Name][v] {
						t.Errorf("%s runs %s; the plan says %v", d.Name, v, versions[d.Name])
					}
				}
				for _, o := range r.Result.Objects {
					vs, ok := o.(*istio.VirtualService)
					if !ok || len(vs.Spec.HTTP) == 0 {
						continue
					}
					def := vs.Spec.HTTP[len(vs.Spec.HTTP)-1] // the route no match selects
					want := map[string]float64{}
					for _, d := range def.Route {
						w := float64(d.Weight)
						if len(def.Route) == 1 && w == 0 {
							w = 100
						}
						role := d.Destination.Subset
						if role == "" {
							role = release.RoleStable
						}
						want[role] += w
					}
					got := map[string]float64{}
					for _, rt := range now.Routes {
						if rt.Object == "VirtualService "+r.Spec.Release.Name {
							for _, sh := range rt.Shares {
								got[sh.Role] += sh.Percent
							}
						}
					}
					for role, w := range want {
						if got[role] != w {
							t.Errorf("VirtualService %s sends %v%% to %s; the plan %v%%", vs.Name, w, role, got[role])
						}
					}
				}
			})
		}
	}
	if checked < 15 {
		t.Errorf("checked %d workloads: the examples did not compile into what this test reads", checked)
	}
}

// TestMountedConfigKept: a stage keeps compiling every ConfigMap the pods
// still running an older version mount. A partitioned update's pods below
// the partition keep stable's template until the last step, and onDelete's
// until each is deleted: each stage with a candidate compiles both
// versions' ConfigMaps, and a promotion that stops compiling stable's while
// its pods may still run (onDelete) warns at strategy.onDelete.
func TestMountedConfigKept(t *testing.T) {
	for _, tc := range []struct{ name, spec string }{
		{"partitioned", "strategy: {partitioned: {steps: [1, 2, 3], step: 0}}\n"},
		{"partitioned istio", "traffic: istio\nstrategy: {partitioned: {steps: [1, 2, 3], step: 0}}\n"},
		{"onDelete", "strategy: {onDelete: {}}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, web+"workload: StatefulSet\nreplicas: 3\nconfig: {LEVEL: info}\ncandidate: {version: v2, tag: \"2\", config: {LEVEL: debug}}\n"+tc.spec)
			var mounted []string // the ConfigMaps of the pods running now
			for i, s := range p.Stages {
				res, err := gen.Compile(s.Release)
				if err != nil {
					t.Fatalf("%s: %v", s.Name, err)
				}
				compiled := map[string]bool{}
				for _, o := range res.Objects {
					if o.GetObjectKind().GroupVersionKind().Kind == "ConfigMap" {
						compiled[o.GetName()] = true
					}
				}
				if i == 0 {
					for n := range compiled {
						mounted = append(mounted, n)
					}
					if len(mounted) != 2 {
						t.Fatalf("now compiles ConfigMaps %v, want one per version", mounted)
					}
				}
				stableLeft := i > 0 && slices.ContainsFunc(p.Stages[i-1].Pods, func(ps stage.Pods) bool {
					return ps.Role == release.RoleStable && ps.Count > 0
				})
				warned := slices.ContainsFunc(s.Problems, func(d *diag.Diagnostic) bool { return d.Field == "strategy.onDelete" })
				for _, n := range mounted {
					if !compiled[n] && stableLeft && !warned {
						t.Errorf("%s stops compiling ConfigMap %s, which pods of the stage before still mount, without a word", s.Name, n)
					}
				}
			}
		})
	}
}
