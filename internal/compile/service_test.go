package compile_test

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/release"
)

// checkServiceShape asserts that svc carries only the service.spec fields
// Kubernetes takes on a Service of its kind, with no warning: none of a
// Service reachable from outside on a ClusterIP one, no load balancer's
// on another type, no session affinity on a headless one; and each port
// the appProtocol of the spec's port.
func checkServiceShape(t *testing.T, r *release.Release, svc *corev1.Service) {
	t.Helper()
	s := svc.Spec
	if s.Type == corev1.ServiceTypeClusterIP && s.ExternalTrafficPolicy != "" {
		t.Errorf("%s: ClusterIP Service %s has externalTrafficPolicy %s", r.Name, svc.Name, s.ExternalTrafficPolicy)
	}
	if s.Type != corev1.ServiceTypeLoadBalancer && (len(s.LoadBalancerSourceRanges) > 0 || s.LoadBalancerClass != nil) {
		t.Errorf("%s: %s Service %s has a load balancer's fields", r.Name, s.Type, svc.Name)
	}
	if s.ClusterIP == corev1.ClusterIPNone && (s.SessionAffinity != "" || s.SessionAffinityConfig != nil || s.InternalTrafficPolicy != nil) {
		t.Errorf("%s: headless Service %s has a session affinity or traffic policy", r.Name, svc.Name)
	}
	if s.SessionAffinityConfig != nil && s.SessionAffinity != corev1.ServiceAffinityClientIP {
		t.Errorf("%s: Service %s has sessionAffinityConfig without ClientIP", r.Name, svc.Name)
	}
	for _, p := range s.Ports {
		i := slices.IndexFunc(r.Ports, func(rp release.Port) bool { return rp.Name == p.Name })
		if got, want := p.AppProtocol, r.Ports[i].AppProtocol; (got == nil) != (want == "") || got != nil && *got != want {
			t.Errorf("%s: Service %s port %s has appProtocol %v, want %q", r.Name, svc.Name, p.Name, got, want)
		}
	}
}
