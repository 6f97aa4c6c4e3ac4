package e2e

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/release"
)

// TestServiceShaping applies Services shaped by service.spec and
// ports[].appProtocol — examples/edge-bluegreen's LoadBalancer and its
// blue-green preview, and a StatefulSet's Service and headless Service —
// with zero warnings, and reads each back: every field rollspec compiled
// is the API server's, and the headless Service has no session affinity.
// Control runs show the API server warns about what rollspec keeps out, a
// session affinity on the headless Service, and refuses what rollspec
// refuses, a source range with bits past its prefix and another load
// balancer class for the existing Service.
func TestServiceShaping(t *testing.T) {
	needCluster(t)
	t.Parallel()
	rs := compileExample(t, "edge-bluegreen", "svc-")
	ns := rs[0].Spec.Release.Namespace
	namespace(t, ns, release.PodSecurityRestricted)
	db := compileSpec(t, fmt.Sprintf(`name: db
namespace: %s
image: example/db
runAsUser: 1000
workload: StatefulSet
replicas: 1
ports: [{name: pg, containerPort: 5432, appProtocol: postgresql}]
readinessProbe: {tcp: {}}
service:
  spec: {sessionAffinity: ClientIP, internalTrafficPolicy: Local}
stable: {version: v1, tag: "1.0"}
strategy: {ramped: {}}
`, ns))
	rs = append(rs, db)
	apply(t, compile.Stream(rs))

	shaped := 0
	for _, r := range rs {
		for _, want := range objectsOf[*corev1.Service](r) {
			var got corev1.Service
			getJSON(t, &got, "service", "-n", ns, want.Name)
			checkShape(t, want, &got)
			if want.Spec.SessionAffinity == corev1.ServiceAffinityClientIP {
				shaped++
			}
			if want.Spec.ClusterIP == corev1.ClusterIPNone && got.Spec.SessionAffinity != corev1.ServiceAffinityNone {
				t.Errorf("headless Service %s has session affinity %s", want.Name, got.Spec.SessionAffinity)
			}
		}
	}
	if shaped != 3 {
		t.Errorf("%d Services compiled with a ClientIP session affinity, want 3 (edge, edge-preview, db)", shaped)
	}

	// Controls: what rollspec leaves out or refuses, the API server warns about.
	headless := objectsOf[*corev1.Service](db)[1]
	if headless.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Fatalf("db's second Service %s is not the headless one", headless.Name)
	}
	control := headless.DeepCopy()
	control.Spec.SessionAffinity = corev1.ServiceAffinityClientIP
	dryRun(t, control, true, "spec.SessionAffinity is ignored for headless services")
	lb := objectsOf[*corev1.Service](rs[0])[0].DeepCopy()
	lb.Name += "-control"
	lb.Spec.LoadBalancerSourceRanges = []string{"10.0.0.1/8"}
	dryRun(t, lb, false, `"10.0.0.1/8": must not have bits set beyond the prefix length`)
	// And the load balancer class of the existing Service is kept, as
	// rollspec says when the file generated before had another.
	reclassed := objectsOf[*corev1.Service](rs[0])[0].DeepCopy()
	reclassed.Spec.LoadBalancerClass = ptr.To("example.com/public")
	dryRun(t, reclassed, false, "may not change once set")
}

// checkShape compares the service.spec fields and ports' appProtocol
// rollspec compiled (want) with the Service the API server holds (got).
func checkShape(t *testing.T, want, got *corev1.Service) {
	t.Helper()
	w, g := want.Spec, got.Spec
	for _, f := range []struct {
		name      string
		want, got any
	}{
		{"type", w.Type, g.Type},
		{"externalTrafficPolicy", w.ExternalTrafficPolicy, g.ExternalTrafficPolicy},
		{"sessionAffinity", w.SessionAffinity, g.SessionAffinity},
		{"sessionAffinityConfig", w.SessionAffinityConfig, g.SessionAffinityConfig},
		{"loadBalancerSourceRanges", w.LoadBalancerSourceRanges, g.LoadBalancerSourceRanges},
		{"loadBalancerClass", w.LoadBalancerClass, g.LoadBalancerClass},
		{"internalTrafficPolicy", w.InternalTrafficPolicy, g.InternalTrafficPolicy},
	} {
		if reflect.ValueOf(f.want).IsZero() {
			continue // left to Kubernetes' default
		}
		if !reflect.DeepEqual(f.want, f.got) {
			t.Errorf("Service %s: %s is %s, compiled %s", want.Name, f.name, show(f.got), show(f.want))
		}
	}
	if len(w.Ports) != len(g.Ports) {
		t.Fatalf("Service %s has %d ports, compiled %d", want.Name, len(g.Ports), len(w.Ports))
	}
	for i, p := range w.Ports {
		if !reflect.DeepEqual(p.AppProtocol, g.Ports[i].AppProtocol) {
			t.Errorf("Service %s port %s: appProtocol is %s, compiled %s", want.Name, p.Name, show(g.Ports[i].AppProtocol), show(p.AppProtocol))
		}
	}
}

// show is v as YAML on one line, for a message.
func show(v any) string {
	b, _ := yaml.Marshal(v)
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\n", " "))
}

// dryRun sends svc to the API server in a server-side dry-run and fails t
// unless it is admitted with a warning holding text (admitted) or refused
// with an error holding it.
func dryRun(t *testing.T, svc *corev1.Service, admitted bool, text string) {
	t.Helper()
	b, err := yaml.Marshal(svc)
	if err != nil {
		t.Fatal(err)
	}
	_, stderr, err := kube.Kubectl(t.Context(), b, "apply", "-f", "-", "--dry-run=server")
	if got := err == nil; got != admitted {
		t.Errorf("control: Service %s admitted %v, want %v: %v\n%s", svc.Name, got, admitted, err, stderr)
	}
	msg := string(stderr)
	if err != nil {
		msg += err.Error()
	}
	if !strings.Contains(msg, text) {
		t.Errorf("control: the API server did not say %q about Service %s; it said:\n%s", text, svc.Name, msg)
	}
}
