package load

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// The rules of each workload kind: which strategies and fields it takes,
// each refusal saying why.

// workloadStrategies are the strategies each workload kind takes, and
// why a kind refuses the others.
var workloadStrategies = map[string]struct {
	kinds []string
	why   string
}{
	release.WorkloadDeployment: {
		kinds: []string{release.KindRecreate, release.KindRamped, release.KindBlueGreen, release.KindCanary, release.KindABTest, release.KindShadow},
		why:   "partitioned updates a StatefulSet and onDelete a StatefulSet or DaemonSet; a Deployment moves between versions with the others",
	},
	release.WorkloadStatefulSet: {
		kinds: []string{release.KindPartitioned, release.KindRamped, release.KindOnDelete},
		why:   "a StatefulSet holds one pod template and owns its pods' names and volumes: two versions side by side would need a second StatefulSet with claims of its own",
	},
	release.WorkloadDaemonSet: {
		kinds: []string{release.KindRamped, release.KindOnDelete},
		why:   "a DaemonSet runs one pod on each node: two versions side by side would run two pods on every node",
	},
}

// workload checks the fields and the strategy the workload kind takes,
// and fills a DaemonSet's rolling update defaults.
func (c *checker) workload() {
	r := c.r
	if !c.ok(fieldpath.Workload) {
		return
	}
	kind := r.WorkloadKind()
	rules := workloadStrategies[kind]
	if c.ok(fieldpath.Strategy.Path) {
		if s := r.Strategy.Kind(); s != "" && !contains(rules.kinds, s) {
			why := rules.why
			if s == release.KindRecreate {
				why = "Kubernetes has no Recreate update for a " + kind
			}
			c.fail(fieldpath.Strategy.Kinds[s], "workload %s does not take %s: %s (allowed: %s)", kind, s, why, strings.Join(rules.kinds, ", "))
		}
	}
	if kind != release.WorkloadStatefulSet && c.wrote(fieldpath.StatefulSet.Path) {
		c.fail(fieldpath.StatefulSet.Path, "is for workload: StatefulSet (allowed: leave it out, or workload: StatefulSet)")
	}
	if kind == release.WorkloadDeployment {
		return
	}
	if c.wrote(fieldpath.ProgressDeadlineSeconds) {
		c.fail(fieldpath.ProgressDeadlineSeconds, "a %s has no progress deadline: only a Deployment's rollout is marked failed after one (allowed: leave it out)", kind)
	}
	if c.wrote(fieldpath.Autoscaler.Path) {
		switch {
		case kind == release.WorkloadDaemonSet:
			c.fail(fieldpath.Autoscaler.Path, "a DaemonSet runs one pod on each node its pods admit and has no replica count to scale (allowed: leave it out)")
		case c.ok(fieldpath.Strategy.Path) && r.Strategy.Partitioned != nil:
			c.fail(fieldpath.Autoscaler.Path, "%s", partitionedAutoscaler)
		}
	}
	if kind == release.WorkloadDaemonSet && c.wrote(fieldpath.PodDisruptionBudget.Path) {
		c.fail(fieldpath.PodDisruptionBudget.Path, "a node drain leaves a DaemonSet's pods where they are (kubectl drain --ignore-daemonsets), so a budget would guard nothing (allowed: leave it out)")
	}
	if c.ok(fieldpath.Traffic, fieldpath.Strategy.Path) && r.Traffic == release.TrafficIstio && !istioRoutes(kind, r.Strategy.Kind()) {
		if kind == release.WorkloadDaemonSet {
			c.fail(fieldpath.Traffic, "a DaemonSet's versions take the share of nodes its rollout has reached, which no route weight can follow (allowed: \"native\", the Service)")
		} else {
			c.fail(fieldpath.Traffic, "with onDelete, which pods run the candidate is up to whoever deletes them, which no route weight can follow (allowed: \"native\", the Service; or partitioned, whose step sets each version's share)")
		}
	}
	for _, m := range r.Versions() {
		if c.ok(fieldpath.Role(m.Role).Path) && m.Version.Replicas != nil {
			c.fail(fieldpath.Role(m.Role).Replicas, "one %s runs every version (allowed: leave it out%s)", kind, map[bool]string{true: ", and set replicas on the release", false: ""}[kind == release.WorkloadStatefulSet])
		}
	}
	ramped := c.ok(fieldpath.Strategy.Path) && r.Strategy.Ramped != nil
	switch kind {
	case release.WorkloadDaemonSet:
		if c.wrote(fieldpath.Replicas) {
			c.fail(fieldpath.Replicas, "a DaemonSet runs one pod on each node its node selector, affinity and tolerations admit (allowed: leave it out; choose the nodes in pod.nodeSelector)")
		}
		if ramped {
			c.daemonSetRamp()
		}
	case release.WorkloadStatefulSet:
		if ramped {
			c.statefulSetRamp()
		}
		c.statefulSetServices()
	}
}

// istioRoutes reports whether Istio routes the versions of a workload of
// kind updated by strategy: each StatefulSet strategy but onDelete, where
// which pods run what is the operator's (a DaemonSet's share of nodes
// likewise).
func istioRoutes(kind, strategy string) bool {
	return kind == release.WorkloadDeployment || kind == release.WorkloadStatefulSet && strategy != release.KindOnDelete
}

// daemonSetRamp fills the rolling update Kubernetes gives a DaemonSet
// where the spec leaves it (maxSurge 0, maxUnavailable 1, or 0 beside a
// surge; the schema's defaults are a Deployment's), and refuses both
// above zero, which Kubernetes refuses for a DaemonSet.
func (c *checker) daemonSetRamp() {
	at := fieldpath.Strategy.Ramped
	s := c.r.Strategy.Ramped
	if !c.wrote(at.MaxSurge) {
		s.MaxSurge = intstr.FromInt32(0)
	}
	zero := func(v intstr.IntOrString) bool {
		return v.Type == intstr.Int && v.IntVal == 0 || v.Type == intstr.String && strings.TrimRight(v.StrVal, "%") == "0"
	}
	if !c.wrote(at.MaxUnavailable) {
		// A surge written alone means: start each node's new pod first.
		s.MaxUnavailable = intstr.FromInt32(1)
		if !zero(s.MaxSurge) {
			s.MaxUnavailable = intstr.FromInt32(0)
		}
	}
	if !zero(s.MaxSurge) && !zero(s.MaxUnavailable) {
		c.fail(at.MaxSurge, "a DaemonSet either starts a node's new pod before stopping the old one (maxSurge) or stops it first (maxUnavailable), not both (allowed: maxSurge 0 with maxUnavailable above 0, or maxUnavailable 0 with maxSurge above 0)")
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(s.MaxSurge.StrVal, "%")); s.MaxSurge.Type == intstr.String && err == nil && n > 100 {
		c.fail(at.MaxSurge, "invalid value %q: a DaemonSet surges at most one pod on each node (allowed: a count, or a percentage of nodes up to 100%%)", s.MaxSurge.StrVal)
	}
	if !zero(s.MaxSurge) && c.ok(fieldpath.Pod.Path, fieldpath.Container.Path, fieldpath.Stable.Path, fieldpath.Candidate.Path) {
		if port := c.hostPort(); port != "" {
			c.fail(at.MaxSurge, "the pods %s, so a node's new pod cannot start beside its old one and the rollout would stall (allowed: maxUnavailable above 0 with maxSurge 0)", port)
		}
	}
}

// hostPort says how the pods of a version (its overlays merged, as
// release.PodOf merges them) hold a port of their node — hostNetwork, a
// hostPort — "" when none does.
func (c *checker) hostPort() string {
	for _, m := range c.r.Versions() {
		pod, main, err := c.r.PodOf(m.Version)
		if err != nil {
			continue // a field of the wrong type, reported where it is
		}
		if pod.HostNetwork {
			return "use the node's network (pod.hostNetwork)"
		}
		for _, p := range c.r.Ports {
			main.Ports = append(main.Ports, corev1.ContainerPort{HostPort: p.HostPort})
		}
		for _, ct := range slices.Concat([]corev1.Container{main}, pod.InitContainers, pod.Containers) {
			for _, p := range ct.Ports {
				if p.HostPort != 0 {
					return fmt.Sprintf("hold the node's port %d (hostPort)", p.HostPort)
				}
			}
		}
	}
	return ""
}

// partitionSteps checks a staged update's steps: increasing pod counts,
// the last one every pod.
func (c *checker) partitionSteps() {
	p := c.r.Strategy.Partitioned
	at := fieldpath.Strategy.Partitioned
	for i := 1; i < len(p.Steps); i++ {
		if p.Steps[i] <= p.Steps[i-1] {
			c.fail(at.Steps.At(i), "%d pods does not increase on the previous step's %d (allowed: increasing pod counts ending at replicas)", p.Steps[i], p.Steps[i-1])
		}
	}
	last := len(p.Steps) - 1
	if c.ok(fieldpath.Replicas) && p.Steps[last] != c.r.Replicas {
		c.fail(at.Steps.At(last), "the last step updates %d pods of %d (allowed: the last step is replicas, %d, which ends the update)", p.Steps[last], c.r.Replicas, c.r.Replicas)
	}
	if p.Step > len(p.Steps) {
		c.fail(at.Step, "step %d is past the last step (allowed: 0, the new template without replacing a pod, to %d)", p.Step, len(p.Steps))
	}
	if p.RoutesBehind() && c.ok(fieldpath.Traffic) && (c.r.Traffic != release.TrafficIstio || p.Step < 1 || c.r.Candidate == nil) {
		c.fail(fieldpath.Strategy.PartitionedRouted, "routes can wait for the pods only with traffic: istio, a candidate and a step from 1 (allowed: no routed, the routes following step; a native Service follows ready pods itself)")
	}
}
