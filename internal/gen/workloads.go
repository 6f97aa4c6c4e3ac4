package gen

import (
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/rollspec/rollspec/release"
)

// workload is w compiled to the release's workload kind.
func (a *assembler) workload(w Workload) (Object, error) {
	switch a.r.Workload {
	case release.WorkloadStatefulSet:
		return a.statefulSet(w)
	case release.WorkloadDaemonSet:
		return a.daemonSet(w)
	}
	return a.deployment(w)
}

// statefulSet is w as a StatefulSet governed by the headless Service, its
// update strategy the release's: partitioned sets the partition below
// which pods keep the revision they run.
func (a *assembler) statefulSet(w Workload) (*appsv1.StatefulSet, error) {
	r := a.r
	meta, sel, tmpl, err := a.parts(w)
	if err != nil {
		return nil, err
	}
	s := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: release.WorkloadStatefulSet},
		ObjectMeta: meta,
		Spec: appsv1.StatefulSetSpec{
			Replicas:             ptr.To(w.Replicas),
			Selector:             sel,
			Template:             tmpl,
			ServiceName:          r.GoverningService(),
			UpdateStrategy:       statefulSetStrategy(r),
			MinReadySeconds:      r.MinReadySeconds,
			RevisionHistoryLimit: ptr.To(r.RevisionHistoryLimit),
		},
	}
	if st := r.StatefulSet; st != nil {
		s.Spec.PodManagementPolicy = appsv1.PodManagementPolicyType(st.PodManagementPolicy)
		if p := st.PersistentVolumeClaimRetentionPolicy; p != nil {
			s.Spec.PersistentVolumeClaimRetentionPolicy = &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.PersistentVolumeClaimRetentionPolicyType(p.WhenDeleted),
				WhenScaled:  appsv1.PersistentVolumeClaimRetentionPolicyType(p.WhenScaled),
			}
		}
		if len(st.VolumeClaimTemplates) > 0 {
			// As written: Kubernetes never changes an existing
			// StatefulSet's claim templates, so rollspec adds nothing to
			// them that a release's other fields could change.
			if err := json.Unmarshal(st.VolumeClaimTemplates, &s.Spec.VolumeClaimTemplates); err != nil {
				return nil, fmt.Errorf("statefulSet.volumeClaimTemplates: %w", err)
			}
		}
	}
	return s, nil
}

// statefulSetStrategy is the update strategy of r's StatefulSet.
func statefulSetStrategy(r *release.Release) appsv1.StatefulSetUpdateStrategy {
	switch s := r.Strategy; {
	case s.OnDelete != nil:
		return appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}
	case s.Partitioned != nil && r.Candidate != nil:
		// The pods from ordinal `partition` up run the candidate.
		partition := r.Replicas - s.Partitioned.Updated()
		return appsv1.StatefulSetUpdateStrategy{
			Type:          appsv1.RollingUpdateStatefulSetStrategyType,
			RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To(partition)},
		}
	}
	ru := appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType}
	if rp := r.Strategy.Ramped; rp != nil && rp.MaxUnavailable != intstr.FromInt32(1) {
		// More than Kubernetes' one pod at a time (a Parallel
		// StatefulSet's, which internal/load requires).
		ru.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{MaxUnavailable: ptr.To(rp.MaxUnavailable)}
	}
	return ru
}

// daemonSet is w as a DaemonSet: one pod on each node its pod admits.
func (a *assembler) daemonSet(w Workload) (*appsv1.DaemonSet, error) {
	r := a.r
	meta, sel, tmpl, err := a.parts(w)
	if err != nil {
		return nil, err
	}
	strategy := appsv1.DaemonSetUpdateStrategy{Type: appsv1.OnDeleteDaemonSetStrategyType}
	if rp := r.Strategy.Ramped; rp != nil {
		strategy = appsv1.DaemonSetUpdateStrategy{
			Type:          appsv1.RollingUpdateDaemonSetStrategyType,
			RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxSurge: ptr.To(rp.MaxSurge), MaxUnavailable: ptr.To(rp.MaxUnavailable)},
		}
	}
	return &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: release.WorkloadDaemonSet},
		ObjectMeta: meta,
		Spec: appsv1.DaemonSetSpec{
			Selector:             sel,
			Template:             tmpl,
			UpdateStrategy:       strategy,
			MinReadySeconds:      r.MinReadySeconds,
			RevisionHistoryLimit: ptr.To(r.RevisionHistoryLimit),
		},
	}, nil
}

// PodTemplate is the pod template of a compiled workload (Deployment,
// StatefulSet or DaemonSet), nil for any other object.
func PodTemplate(o Object) *corev1.PodTemplateSpec {
	switch w := o.(type) {
	case *appsv1.Deployment:
		return &w.Spec.Template
	case *appsv1.StatefulSet:
		return &w.Spec.Template
	case *appsv1.DaemonSet:
		return &w.Spec.Template
	}
	return nil
}
