package gen

import (
	"encoding/json"

	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/release"
)

// shape merges the release's service.spec (internal/servicecheck checked
// it) into svc, one of the Services the plan names, where the field
// makes sense for that Service: the main Service takes every field; a
// blue-green preview Service, always a ClusterIP one for testing the idle
// version in-cluster, takes internalTrafficPolicy and the session
// affinity (its clients are the cluster's own); a StatefulSet's headless
// Service takes none (no cluster IP: nothing routes through it, and the
// API server warns of a session affinity on it).
func shape(svc *corev1.Service, r *release.Release, s ServicePlan) {
	if len(r.Service.Spec) == 0 || s.Headless {
		return
	}
	var spec corev1.ServiceSpec
	if json.Unmarshal(r.Service.Spec, &spec) != nil {
		return // refused when the spec was loaded
	}
	svc.Spec.InternalTrafficPolicy = spec.InternalTrafficPolicy
	svc.Spec.SessionAffinity = spec.SessionAffinity
	svc.Spec.SessionAffinityConfig = spec.SessionAffinityConfig
	if s.Preview {
		return // ClusterIP: the fields of a Service reachable from outside are refused on it
	}
	svc.Spec.ExternalTrafficPolicy = spec.ExternalTrafficPolicy
	svc.Spec.LoadBalancerSourceRanges = spec.LoadBalancerSourceRanges
	svc.Spec.LoadBalancerClass = spec.LoadBalancerClass
}
