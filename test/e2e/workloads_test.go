package e2e

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// Helpers for StatefulSets and DaemonSets: their pods as the tests compare
// them, and the state their controllers report.

// controlledBy reports whether the pod's controller is the object of kind
// named name (in the pod's namespace).
func (p *pod) controlledBy(kind, name string) bool {
	for _, o := range p.Metadata.OwnerReferences {
		if o.Controller != nil && *o.Controller {
			return o.Kind == kind && o.Name == name
		}
	}
	return false
}

// owned returns the pods of ps whose controller is the object of kind
// named name.
func owned(ps []pod, kind, name string) []pod {
	var mine []pod
	for _, p := range ps {
		if p.controlledBy(kind, name) {
			mine = append(mine, p)
		}
	}
	return mine
}

// image is the image of the pod's first container.
func (p *pod) image() string {
	if len(p.Spec.Containers) == 0 {
		return ""
	}
	return p.Spec.Containers[0].Image
}

// ordinalPod is one pod of a StatefulSet, as the tests compare them.
type ordinalPod struct {
	Name, UID string
	Image     string // the first container's
	Version   string // the version label
	// Revision is the pod's controller-revision-hash label: the
	// StatefulSet revision (status.currentRevision, updateRevision) its
	// template came from.
	Revision           string
	Ready, Terminating bool
}

func (o ordinalPod) String() string {
	state := "not-ready"
	switch {
	case o.Terminating:
		state = "terminating"
	case o.Ready:
		state = "ready"
	}
	return fmt.Sprintf("%s(%s %s %s uid %.8s)", o.Name, o.Version, o.Revision, state, o.UID)
}

// byOrdinal returns the pods of ps that StatefulSet name controls, by
// ordinal (the number its pod names end in). There is at most one a
// ordinal: a StatefulSet's pod names are fixed, and names are unique in a
// namespace.
func byOrdinal(ps []pod, name string) map[int]ordinalPod {
	m := map[int]ordinalPod{}
	for _, p := range owned(ps, "StatefulSet", name) {
		n, err := strconv.Atoi(strings.TrimPrefix(p.Metadata.Name, name+"-"))
		if err != nil {
			continue
		}
		m[n] = ordinalPod{
			Name:        p.Metadata.Name,
			UID:         p.Metadata.UID,
			Image:       p.image(),
			Version:     p.version(),
			Revision:    p.Metadata.Labels[appsv1.ControllerRevisionHashLabelKey],
			Ready:       p.ready(),
			Terminating: p.terminating(),
		}
	}
	return m
}

// statefulSetPods returns the pods of StatefulSet ns/name by ordinal.
func statefulSetPods(t *testing.T, ns, name string) map[int]ordinalPod {
	t.Helper()
	var list struct {
		Items []pod `json:"items"`
	}
	getJSON(t, &list, "pods", "-n", ns)
	return byOrdinal(list.Items, name)
}

// describeOrdinals summarises pods by ordinal for failure messages.
func describeOrdinals(m map[int]ordinalPod) string {
	var s []string
	for _, n := range slices.Sorted(maps.Keys(m)) {
		s = append(s, m[n].String())
	}
	return "[" + strings.Join(s, " ") + "]"
}

// statefulSet returns the live StatefulSet ns/name.
func statefulSet(t *testing.T, ns, name string) *appsv1.StatefulSet {
	t.Helper()
	var s appsv1.StatefulSet
	getJSON(t, &s, "statefulset", "-n", ns, name)
	return &s
}

// waitStatefulSet waits until cond, given the live StatefulSet ns/name and
// its pods by ordinal, returns "" (else what is missing), and returns
// both as cond last saw them. cond is called only once the controller has
// observed the StatefulSet's latest generation, so its status (revisions,
// replica counts) describes the current spec.
func waitStatefulSet(t *testing.T, ns, name string, cond func(*appsv1.StatefulSet, map[int]ordinalPod) string) (*appsv1.StatefulSet, map[int]ordinalPod) {
	t.Helper()
	var (
		s  *appsv1.StatefulSet
		ps map[int]ordinalPod
	)
	eventually(t, timeoutRollout, func() string {
		s = statefulSet(t, ns, name)
		if s.Status.ObservedGeneration < s.Generation {
			return fmt.Sprintf("statefulset %s/%s: generation %d observed %d", ns, name, s.Generation, s.Status.ObservedGeneration)
		}
		ps = statefulSetPods(t, ns, name)
		if msg := cond(s, ps); msg != "" {
			return fmt.Sprintf("statefulset %s/%s (current revision %s, update revision %s; pods %s): %s",
				ns, name, s.Status.CurrentRevision, s.Status.UpdateRevision, describeOrdinals(ps), msg)
		}
		return ""
	})
	return s, ps
}

// node is the node the pod runs on: spec.nodeName once bound, and
// before that the node its required node affinity names by
// metadata.name, which is how the DaemonSet controller pins each of its
// pods to one node for the scheduler; "" for a pod not pinned to one.
func (p *pod) node() string {
	if p.Spec.NodeName != "" {
		return p.Spec.NodeName
	}
	a := p.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return ""
	}
	for _, term := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		for _, f := range term.MatchFields {
			if f.Key == "metadata.name" && f.Operator == corev1.NodeSelectorOpIn && len(f.Values) == 1 {
				return f.Values[0]
			}
		}
	}
	return ""
}

// nodeNames lists the cluster's nodes, sorted (kwok-node-0 to
// kwok-node-2 with the package's cluster).
func nodeNames(t *testing.T) []string {
	t.Helper()
	var list struct {
		Items []struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		} `json:"items"`
	}
	getJSON(t, &list, "nodes")
	var names []string
	for _, n := range list.Items {
		names = append(names, n.Metadata.Name)
	}
	slices.Sort(names)
	return names
}

// podsByNode groups ps by the node each runs on (pod.node). Every node of
// nodes is a key, with no pods if none runs there; pods elsewhere (or on
// no node yet) are under their own node's key (or "").
func podsByNode(nodes []string, ps []pod) map[string][]pod {
	m := map[string][]pod{}
	for _, n := range nodes {
		m[n] = nil
	}
	for _, p := range ps {
		m[p.node()] = append(m[p.node()], p)
	}
	return m
}

// daemonSetPods returns the pods of DaemonSet ns/name by node (every node
// of nodes a key; see podsByNode).
func daemonSetPods(t *testing.T, ns, name string, nodes []string) map[string][]pod {
	t.Helper()
	var list struct {
		Items []pod `json:"items"`
	}
	getJSON(t, &list, "pods", "-n", ns)
	return podsByNode(nodes, owned(list.Items, "DaemonSet", name))
}

// unavailableNodes returns the nodes of byNode on which no pod is Ready
// and not being deleted: those the DaemonSet counts as unavailable
// (minReadySeconds aside).
func unavailableNodes(byNode map[string][]pod) []string {
	var down []string
	for _, n := range sortedKeys(byNode) {
		if n == "" {
			continue
		}
		ok := false
		for _, p := range byNode[n] {
			ok = ok || p.ready() && !p.terminating()
		}
		if !ok {
			down = append(down, n)
		}
	}
	return down
}

// describeNodes summarises pods by node for failure messages.
func describeNodes(byNode map[string][]pod) string {
	var s []string
	for _, n := range sortedKeys(byNode) {
		s = append(s, n+":"+describe(byNode[n]))
	}
	return strings.Join(s, " ")
}

// oneEachNode returns a condition for podWatch.waitFor: every node of
// nodes runs exactly one pod of DaemonSet name, Ready and of version, and
// nothing else (terminating pods included) exists.
func oneEachNode(nodes []string, name, version string) func([]pod) string {
	return func(ps []pod) string {
		byNode := podsByNode(nodes, owned(ps, "DaemonSet", name))
		ok := len(byNode) == len(nodes)
		for _, n := range nodes {
			on := byNode[n]
			ok = ok && len(on) == 1 && on[0].ready() && !on[0].terminating() && on[0].version() == version
		}
		if ok {
			return ""
		}
		return fmt.Sprintf("want one ready pod of %s on each of %v and nothing else, have %s", version, nodes, describeNodes(byNode))
	}
}
