package e2e

import (
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/release"
)

// dbOfPods is the compiled release db in ns (as dbRelease's): a StatefulSet of replicas
// pods of example/db:<version> (labelled version) without claims, at the
// restricted Pod Security level, with the spec's lines more (statefulSet,
// strategy, …) as written.
func dbOfPods(t *testing.T, ns, version string, replicas int, more string) *compile.Release {
	t.Helper()
	return compileSpec(t, fmt.Sprintf(`name: db
namespace: %s
image: example/db
workload: StatefulSet
replicas: %d
ports: [{name: tcp-pg, containerPort: 5432}]
runAsUser: 1000
stable: {version: %q, tag: %q}
%s
`, ns, replicas, version, version, more))
}

// TestStatefulSetMaxUnavailable rolls the compiled StatefulSet db (4
// pods, podManagementPolicy Parallel, ramped with maxUnavailable 2) from
// v1 to v2, watching every pod state in between: in some state two
// ordinals at once have no ready pod (the controller replaced more than
// one at a time, which MaxUnavailableStatefulSet, beta and on in
// Kubernetes 1.37, allows), and in none more than the plan's bound
// (replicas less its floor of ready pods).
func TestStatefulSetMaxUnavailable(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns, replicas = "sts-maxunavailable", 4
	namespace(t, ns, release.PodSecurityRestricted)
	spec := func(version string) *compile.Release {
		return dbOfPods(t, ns, version, replicas, "statefulSet: {podManagementPolicy: Parallel}\nstrategy: {ramped: {maxUnavailable: 2}}")
	}
	p, err := stage.Of(spec("v1").Spec.Release, nil)
	if err != nil {
		t.Fatal(err)
	}
	ro := p.Stages[0].Rollouts
	if len(ro) != 1 || ro[0].ResolvedUnavailable == nil || *ro[0].ResolvedUnavailable != 2 || ro[0].Floor != replicas-2 {
		t.Fatalf("the plan's rollout: %+v, want 2 pods at a time, %d ready", ro, replicas-2)
	}
	bound := int(replicas - ro[0].Floor)

	w := watchPods(t, ns, release.LabelName+"=db")
	apply(t, spec("v1").YAML)
	waitStatefulSet(t, ns, "db", settledAt(replicas, "v1"))
	mark := w.mark()
	apply(t, spec("v2").YAML)
	_, after := waitStatefulSet(t, ns, "db", settledAt(replicas, "v2"))

	snaps, err := w.since(mark)
	if err != nil {
		t.Fatal(err)
	}
	mostDown := 0
	for i, ps := range snaps {
		byOrd := byOrdinal(ps, "db")
		var down []string
		for n := range replicas {
			if p, ok := byOrd[n]; !ok || !p.Ready || p.Terminating {
				down = append(down, fmt.Sprintf("db-%d", n))
			}
		}
		mostDown = max(mostDown, len(down))
		if len(down) > bound {
			t.Errorf("state %d: %v without a ready pod, more than the plan's %d: %s", i, down, bound, describeOrdinals(byOrd))
		}
	}
	if mostDown < 2 {
		t.Errorf("at most %d ordinal(s) without a ready pod in %d states: the controller replaced one pod at a time, not maxUnavailable 2", mostDown, len(snaps))
	}
	t.Logf("v1 → v2: %d states, at most %d pods down at once (bound %d); %s", len(snaps), mostDown, bound, describeOrdinals(after))
}

// TestStatefulSetServices applies StatefulSet db with its governing
// Service named orders (statefulSet.serviceName) and no load-balanced
// Service (loadBalancedService: false), with zero warnings: the one
// Service in the namespace is the headless orders, every pod's DNS name
// ends in it (spec.subdomain), and the API server refuses the same
// StatefulSet with another serviceName, as rollspec's check of the
// previous output does.
func TestStatefulSetServices(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns, replicas = "sts-services", 2
	namespace(t, ns, release.PodSecurityRestricted)
	r := dbOfPods(t, ns, "v1", replicas, "statefulSet: {serviceName: orders, loadBalancedService: false}\nstrategy: {ramped: {}}")
	apply(t, r.YAML)
	_, ps := waitStatefulSet(t, ns, "db", settledAt(replicas, "v1"))

	var svcs struct {
		Items []corev1.Service `json:"items"`
	}
	getJSON(t, &svcs, "services", "-n", ns)
	if len(svcs.Items) != 1 || svcs.Items[0].Name != "orders" || svcs.Items[0].Spec.ClusterIP != corev1.ClusterIPNone {
		var names []string
		for _, s := range svcs.Items {
			names = append(names, s.Name+" "+s.Spec.ClusterIP)
		}
		t.Errorf("Services %v, want only the headless orders", names)
	}
	for i := range replicas {
		var p corev1.Pod
		getJSON(t, &p, "pod", "-n", ns, ps[i].Name)
		if p.Spec.Subdomain != "orders" || p.Spec.Hostname != ps[i].Name {
			t.Errorf("pod %s: hostname %q, subdomain %q, want %s.orders", ps[i].Name, p.Spec.Hostname, p.Spec.Subdomain, ps[i].Name)
		}
	}

	// Another governing Service: what the previous-output check refuses,
	// the API server refuses too.
	other := dbOfPods(t, ns, "v1", replicas, "statefulSet: {loadBalancedService: false}\nstrategy: {ramped: {}}")
	_, stderr, err := kube.Kubectl(t.Context(), other.YAML, "apply", "--dry-run=server", "-f", "-")
	if err == nil || !strings.Contains(string(stderr), "spec.serviceName: Invalid value: \"db-headless\": field is immutable") {
		t.Errorf("another serviceName: err %v, stderr %s; want the API server to refuse the change of spec.serviceName", err, stderr)
	}
}

// TestStatefulSetAutoscaled applies StatefulSet db with an autoscaler
// (ramped, minReplicas 2), with zero warnings: the StatefulSet is
// compiled without spec.replicas, the HorizontalPodAutoscaler controller
// scales it to its minimum, and after a scale to 3 (as the autoscaler
// would) re-applying the same output keeps the 3 pods.
func TestStatefulSetAutoscaled(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns = "sts-autoscaled"
	namespace(t, ns, release.PodSecurityRestricted)
	src := fmt.Sprintf(`name: db
namespace: %s
image: example/db
workload: StatefulSet
ports: [{name: tcp-pg, containerPort: 5432}]
runAsUser: 1000
resources: {requests: {cpu: 100m}}
autoscaler: {minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 60}
stable: {version: v1, tag: v1}
strategy: {ramped: {}}
`, ns)
	r := compileSpec(t, src)
	for _, s := range objectsOf[*appsv1.StatefulSet](r) {
		if s.Spec.Replicas != nil {
			t.Fatalf("StatefulSet %s compiled with replicas %d beside an autoscaler", s.Name, *s.Spec.Replicas)
		}
	}
	apply(t, r.YAML)
	waitStatefulSet(t, ns, "db", settledAt(2, "v1")) // the HPA controller's minimum
	checkAutoscalers(t, r)

	kubectl(t, nil, "scale", "-n", ns, "statefulset/db", "--replicas=3")
	waitStatefulSet(t, ns, "db", settledAt(3, "v1"))
	apply(t, r.YAML)
	if s := statefulSet(t, ns, "db"); s.Spec.Replicas == nil || *s.Spec.Replicas != 3 {
		t.Errorf("re-applying the output: spec.replicas %s, want the autoscaler's 3", ptrString(s.Spec.Replicas))
	}
}
