package load

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollspec/rollspec/internal/fieldpath")

// statefulSetRamp fills a StatefulSet's rolling update where the spec
// leaves it as Kubernetes does (no surge, maxUnavailable 1: one pod at a
// time, from the highest ordinal down), and checks a written
// maxUnavailable against what the StatefulSet controller does with it
// (MaxUnavailableStatefulSet, beta and on in Kubernetes 1.37): it deletes
// up to that many pods at once, but with podManagementPolicy OrderedReady
// recreates them one at a time, each waiting for the one before to be
// Ready, so only Parallel replaces more than one pod at once.
func (c *checker) statefulSetRamp() {
	at := fieldpath.Strategy.Ramped
	s := c.r.Strategy.Ramped
	if c.wrote(at.MaxSurge) {
		c.fail(at.MaxSurge, "a StatefulSet never runs a pod above replicas: each ordinal is one pod, stopped before its replacement starts (allowed: leave it out; maxUnavailable with statefulSet.podManagementPolicy: Parallel replaces more than one pod at a time)")
	}
	s.MaxSurge = intstr.FromInt32(0)
	if !c.wrote(at.MaxUnavailable) {
		s.MaxUnavailable = intstr.FromInt32(1)
		return
	}
	if c.rampValue(at.MaxUnavailable, s.MaxUnavailable, 100) == 0 {
		c.fail(at.MaxUnavailable, "a StatefulSet's rolling update needs at least one pod it may stop, and Kubernetes refuses 0 (allowed: a pod count from 1, or a percentage above 0%%, rounded down to at least 1)")
	}
	if st := c.r.StatefulSet; c.ok(fieldpath.StatefulSet.PodManagementPolicy) && (st == nil || st.PodManagementPolicy != string(appsv1.ParallelPodManagement)) {
		c.fail(at.MaxUnavailable, "with podManagementPolicy OrderedReady (Kubernetes' default) a StatefulSet recreates its pods one at a time, each waiting for the one before to be Ready, so maxUnavailable would only leave more pods down, not replace more at once (allowed: statefulSet.podManagementPolicy: Parallel, fixed when the StatefulSet is created; or leave maxUnavailable out)")
	}
}
