package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/release"
	appsv1 "k8s.io/api/apps/v1"
)

// agentDaemonSet is the compiled release agent in ns, a DaemonSet:
// example/agent:<version> (labelled version) on every node, its pods at
// the restricted Pod Security level, updated by strategy (rollspec's,
// YAML flow style).
func agentDaemonSet(t *testing.T, ns, version, strategy string) []byte {
	t.Helper()
	return compileSpec(t, fmt.Sprintf(`name: agent
namespace: %s
image: example/agent
workload: DaemonSet
ports: [{name: http, containerPort: 8080}]
runAsUser: 1000
stable: {version: %q, tag: %q}
strategy: %s
`, ns, version, version, strategy)).YAML
}

// TestDaemonSetRolling rolls DaemonSet agent from v1 to v2 with a rolling
// update of maxUnavailable 1, watching every pod state in between: every
// node runs exactly one ready pod before and after, and in no state do
// more nodes than maxUnavailable lack a ready pod that is not being
// deleted.
func TestDaemonSetRolling(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns, maxUnavailable = "ds-rolling", 1
	namespace(t, ns, release.PodSecurityRestricted)
	nodes := nodeNames(t)
	if len(nodes) < 2 {
		t.Fatalf("%d nodes: a DaemonSet's rolling update needs 2 or more to show its bound", len(nodes))
	}
	spec := func(version string) []byte {
		return agentDaemonSet(t, ns, version, fmt.Sprintf("{ramped: {maxUnavailable: %d}}", maxUnavailable))
	}

	w := watchPods(t, ns, release.LabelName+"=agent")
	apply(t, spec("v1"))
	kubectl(t, nil, "rollout", "status", "-n", ns, "daemonset/agent", "--timeout=120s")
	w.waitFor(t, oneEachNode(nodes, "agent", "v1"))
	before := daemonSetPods(t, ns, "agent", nodes)

	mark := w.mark()
	apply(t, spec("v2"))
	kubectl(t, nil, "rollout", "status", "-n", ns, "daemonset/agent", "--timeout=120s")
	w.waitFor(t, oneEachNode(nodes, "agent", "v2"))

	snaps, err := w.since(mark)
	if err != nil {
		t.Fatal(err)
	}
	mostDown, mixed := 0, false
	for i, ps := range snaps {
		byNode := podsByNode(nodes, owned(ps, "DaemonSet", "agent"))
		down := unavailableNodes(byNode)
		mostDown = max(mostDown, len(down))
		if len(down) > maxUnavailable {
			t.Errorf("state %d: nodes %v without a ready pod, more than %d: %s", i, down, maxUnavailable, describeNodes(byNode))
		}
		if ps := byNode[""]; len(ps) > 0 {
			t.Errorf("state %d: pods pinned to no node: %s", i, describe(ps))
		}
		_, _, byVersion := counts(ps)
		mixed = mixed || byVersion["v1"] > 0 && byVersion["v2"] > 0
	}
	if !mixed || mostDown == 0 {
		t.Errorf("never saw v1 and v2 pods together, or a node without a ready pod, in %d states: the watch missed the rollout", len(snaps))
	}

	// Every node's pod was replaced: none of v1's pods is left.
	after := daemonSetPods(t, ns, "agent", nodes)
	for _, n := range nodes {
		if len(before[n]) != 1 || len(after[n]) != 1 {
			t.Fatalf("node %s: %d pods before, %d after, want 1 each", n, len(before[n]), len(after[n]))
		}
		if b, a := before[n][0], after[n][0]; b.Metadata.UID == a.Metadata.UID || a.image() != "example/agent:v2" {
			t.Errorf("node %s: pod %s (%s) after, %s (%s) before", n, a.Metadata.Name, a.image(), b.Metadata.Name, b.image())
		}
	}
	t.Logf("v1 → v2 on %d nodes: %d states, at most %d node(s) without a ready pod (bound %d)", len(nodes), len(snaps), mostDown, maxUnavailable)
}

// TestDaemonSetOnDelete changes the template of DaemonSet agent, whose
// strategy is onDelete: once the controller has seen the change no pod
// has been replaced; deleting the pod of one node brings that node, and
// it alone, a pod of the new template.
func TestDaemonSetOnDelete(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns = "ds-ondelete"
	namespace(t, ns, release.PodSecurityRestricted)
	nodes := nodeNames(t)
	w := watchPods(t, ns, release.LabelName+"=agent")
	apply(t, agentDaemonSet(t, ns, "v1", "{onDelete: {}}"))
	w.waitFor(t, oneEachNode(nodes, "agent", "v1"))
	before := daemonSetPods(t, ns, "agent", nodes)

	// The controller sees the new template (its status counts no pod of
	// it) and replaces nothing.
	apply(t, agentDaemonSet(t, ns, "v2", "{onDelete: {}}"))
	eventually(t, timeoutRollout, func() string {
		var d appsv1.DaemonSet
		getJSON(t, &d, "daemonset", "-n", ns, "agent")
		if d.Status.ObservedGeneration < d.Generation {
			return "the controller has not seen v2"
		}
		if d.Status.UpdatedNumberScheduled != 0 {
			return fmt.Sprintf("%d nodes run v2, want 0", d.Status.UpdatedNumberScheduled)
		}
		return ""
	})
	seen := daemonSetPods(t, ns, "agent", nodes)
	for _, n := range nodes {
		if len(seen[n]) != 1 || seen[n][0].Metadata.UID != before[n][0].Metadata.UID {
			t.Errorf("node %s: pods %s after the change, %s before: onDelete replaced one", n, describe(seen[n]), describe(before[n]))
		}
	}

	// Deleting the first node's pod: that node runs v2, the others v1.
	first := before[nodes[0]][0]
	kubectl(t, nil, "delete", "pod", "-n", ns, first.Metadata.Name, "--timeout=60s")
	w.waitFor(t, func(ps []pod) string {
		byNode := podsByNode(nodes, owned(ps, "DaemonSet", "agent"))
		for i, n := range nodes {
			want := "v1"
			if i == 0 {
				want = "v2"
			}
			if on := byNode[n]; len(on) != 1 || !on[0].ready() || on[0].terminating() || on[0].version() != want {
				return fmt.Sprintf("node %s: want one ready pod of %s, have %s", n, want, describe(on))
			}
		}
		return ""
	})
	after := daemonSetPods(t, ns, "agent", nodes)
	for _, n := range nodes[1:] {
		if after[n][0].Metadata.UID != before[n][0].Metadata.UID {
			t.Errorf("node %s: its pod was replaced too", n)
		}
	}
}

// TestDaemonSetHostPort applies a node-local proxy, a DaemonSet whose
// port binds the node's port 80 (hostPort) at podSecurity privileged, to a
// namespace enforcing that level: admitted without a warning, one ready
// pod on each node holding the port. The same DaemonSet in a namespace
// at baseline draws the API server's hostPort warning: the reason the
// compiler refuses hostPort below privileged.
func TestDaemonSetHostPort(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns, base = "ds-hostport", "ds-hostport-baseline"
	spec := func(ns string) string {
		return fmt.Sprintf(`name: proxy
namespace: %s
image: example/proxy
workload: DaemonSet
podSecurity: privileged
ports: [{name: http, containerPort: 8080, hostPort: 80}]
runAsUser: 1000
stable: {version: v1, tag: v1}
strategy: {ramped: {}}
`, ns)
	}
	namespace(t, ns, release.PodSecurityPrivileged)
	nodes := nodeNames(t)
	w := watchPods(t, ns, release.LabelName+"=proxy")
	apply(t, compileSpec(t, spec(ns)).YAML)
	kubectl(t, nil, "rollout", "status", "-n", ns, "daemonset/proxy", "--timeout=120s")
	w.waitFor(t, oneEachNode(nodes, "proxy", "v1"))
	var d appsv1.DaemonSet
	getJSON(t, &d, "daemonset", "-n", ns, "proxy")
	if ports := d.Spec.Template.Spec.Containers[0].Ports; len(ports) != 1 || ports[0].HostPort != 80 || ports[0].ContainerPort != 8080 {
		t.Errorf("the applied DaemonSet's ports are %+v, want containerPort 8080 on hostPort 80", ports)
	}

	// At baseline: the API server warns about the host port.
	namespace(t, base, release.PodSecurityBaseline)
	_, stderr, err := kube.Kubectl(t.Context(), compileSpec(t, spec(base)).YAML, "apply", "--dry-run=server", "-f", "-")
	if err != nil {
		t.Fatal(err)
	}
	if want := `would violate PodSecurity "baseline:latest": hostPort (container "proxy" uses hostPort 80)`; !strings.Contains(string(stderr), want) {
		t.Errorf("applying at baseline warned %q, want %q", stderr, want)
	}
}
