package gen

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/rollspec/rollspec/release"
)

// scaling adds, after the workloads and Services, a
// HorizontalPodAutoscaler per Deployment when the release has an
// autoscaler, and a PodDisruptionBudget per Deployment or StatefulSet
// when it has a budget. An autoscaled Deployment is compiled without spec.replicas:
// every apply would otherwise reset the autoscaler's count, and GitOps
// tools would show drift.
func (a *assembler) scaling() {
	var deps []*appsv1.Deployment
	for _, o := range a.objs {
		if d, ok := o.(*appsv1.Deployment); ok {
			deps = append(deps, d)
		}
	}
	if as := a.r.Autoscaler; as != nil {
		for _, d := range deps {
			d.Spec.Replicas = nil
			a.objs = append(a.objs, a.autoscaler(as, d, a.minReplicas(d.Name)))
		}
	}
	if b := a.r.PodDisruptionBudget; b != nil {
		var budgeted []Object
		for _, o := range a.objs {
			switch o.(type) {
			case *appsv1.Deployment, *appsv1.StatefulSet:
				budgeted = append(budgeted, o)
			}
		}
		for _, o := range budgeted {
			a.objs = append(a.objs, a.budget(b, o))
		}
	}
}

// autoscaler is the HorizontalPodAutoscaler of Deployment d, named after
// it: the CPU and memory targets as Resource metrics, then the spec's
// metrics as written.
func (a *assembler) autoscaler(as *release.Autoscaler, d *appsv1.Deployment, minReplicas int32) *autoscalingv2.HorizontalPodAutoscaler {
	var metrics []autoscalingv2.MetricSpec
	for _, t := range []struct {
		name    corev1.ResourceName
		percent *int32
	}{{corev1.ResourceCPU, as.TargetCPUUtilizationPercentage}, {corev1.ResourceMemory, as.TargetMemoryUtilizationPercentage}} {
		if t.percent == nil {
			continue
		}
		metrics = append(metrics, autoscalingv2.MetricSpec{
			Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricSource{Name: t.name, Target: autoscalingv2.MetricTarget{
				Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To(*t.percent),
			}},
		})
	}
	for _, m := range as.Metrics {
		metrics = append(metrics, *m.DeepCopy())
	}
	hpa := &autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
		ObjectMeta: a.meta(d.Name),
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: d.Name},
			MinReplicas:    ptr.To(minReplicas),
			MaxReplicas:    as.MaxReplicas,
			Metrics:        metrics,
		},
	}
	if as.Behavior != nil {
		hpa.Spec.Behavior = (*autoscalingv2.HorizontalPodAutoscalerBehavior)(as.Behavior).DeepCopy()
	}
	return hpa
}

// minReplicas is the autoscaler minimum of the Deployment named name: its
// version's own (autoscaler.minReplicas in stable or the candidate), else
// the release's.
func (a *assembler) minReplicas(name string) int32 {
	for _, w := range a.p.Workloads {
		if w.Name == name {
			return a.r.MinReplicas(w.Version)
		}
	}
	return a.r.MinReplicas(nil)
}

// budget is the PodDisruptionBudget of workload w (a Deployment or a
// StatefulSet), named after it and selecting exactly its pods: its
// selector is the workload's.
func (a *assembler) budget(b *release.PodDisruptionBudget, w Object) *policyv1.PodDisruptionBudget {
	var sel *metav1.LabelSelector
	switch x := w.(type) {
	case *appsv1.Deployment:
		sel = x.Spec.Selector
	case *appsv1.StatefulSet:
		sel = x.Spec.Selector
	}
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: a.meta(w.GetName()),
		Spec: policyv1.PodDisruptionBudgetSpec{
			Selector:                   sel.DeepCopy(),
			MinAvailable:               clone(b.MinAvailable),
			MaxUnavailable:             clone(b.MaxUnavailable),
			UnhealthyPodEvictionPolicy: clone(b.UnhealthyPodEvictionPolicy),
		},
	}
}

// clone is a copy of *p, or nil: objects share no memory with the release.
func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	return ptr.To(*p)
}
