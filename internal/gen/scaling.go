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
// HorizontalPodAutoscaler per Deployment or StatefulSet (one that is not
// partitioned: internal/load) when the release has an autoscaler, and a
// PodDisruptionBudget per Deployment or StatefulSet when it has a
// budget. An autoscaled workload is compiled without spec.replicas:
// every apply would otherwise reset the autoscaler's count, and GitOps
// tools would show drift.
func (a *assembler) scaling() {
	if as := a.r.Autoscaler; as != nil {
		var scaled []Object
		for _, o := range a.objs {
			switch w := o.(type) {
			case *appsv1.Deployment:
				w.Spec.Replicas = nil
				scaled = append(scaled, w)
			case *appsv1.StatefulSet:
				w.Spec.Replicas = nil
				scaled = append(scaled, w)
			}
		}
		for _, w := range scaled {
			a.objs = append(a.objs, a.autoscaler(as, w, a.minReplicas(w.GetName())))
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

// autoscaler is the HorizontalPodAutoscaler of workload w (a Deployment
// or a StatefulSet), named after it, with minReplicas (a version's own
// minimum, or the release's): the CPU and memory targets as Resource
// metrics, then the spec's metrics as written.
func (a *assembler) autoscaler(as *release.Autoscaler, w Object, minReplicas int32) *autoscalingv2.HorizontalPodAutoscaler {
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
		ObjectMeta: a.meta(w.GetName()),
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: w.GetObjectKind().GroupVersionKind().Kind, Name: w.GetName()},
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
