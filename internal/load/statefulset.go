package load

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

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

// statefulSetServices checks a StatefulSet's Services: the governing
// one's name (statefulSet.serviceName) and leaving out the load-balanced
// Service <name> (statefulSet.loadBalancedService: false), which nothing
// may then need or shape.
func (c *checker) statefulSetServices() {
	r, at := c.r, fieldpath.StatefulSet
	if r.StatefulSet == nil || !c.ok(at.Path) {
		return
	}
	if r.LoadBalanced() {
		if c.ok(fieldpath.Name) && r.StatefulSet.ServiceName == r.Name {
			c.fail(at.ServiceName, "the load-balanced Service is named %s too (allowed: another name, or statefulSet.loadBalancedService: false to compile only the governing Service)", r.Name)
		}
		return
	}
	why := "with statefulSet.loadBalancedService: false there is no Service " + r.Name + " to "
	if c.ok(fieldpath.Traffic) && r.Traffic == release.TrafficIstio {
		c.fail(at.LoadBalancedService, "traffic: istio routes the requests for Service %s to the versions' pods, so it cannot be left out (allowed: traffic: native; or leave loadBalancedService out)", r.Name)
	}
	if c.wrote(fieldpath.Service.Type) && r.Service.Type != string(corev1.ServiceTypeClusterIP) {
		c.fail(fieldpath.Service.Type, "%smake %s (allowed: leave service.type out, or loadBalancedService: true)", why, r.Service.Type)
	}
	for _, f := range []fieldpath.Path{fieldpath.Service.Annotations, fieldpath.Service.Spec.Path} {
		if c.wrote(f) {
			c.fail(f, "%sshape, and the governing Service takes none of it (allowed: leave it out, or loadBalancedService: true)", why)
		}
	}
}

// partitionedAutoscaler is why a partitioned StatefulSet takes no
// autoscaler: Kubernetes' partition is an ordinal, which rollspec writes
// as the spec's replicas less the step's pods; an autoscaler changes
// spec.replicas and nothing moves the partition with it, so the pods it
// adds (the highest ordinals) all run the candidate and those it removes
// are the candidate's first: the step's share of pods, and with Istio
// its routes' weights, no longer hold.
const partitionedAutoscaler = "a partitioned update's partition is an ordinal, replicas less the step's pods, and nothing moves it with the replica count an autoscaler sets: the pods it adds (the highest ordinals) would all run the candidate and those it removes would be the candidate's first, so the step's share of pods would not hold (allowed: leave the autoscaler out while partitioned, with replicas sized for the peak)"
