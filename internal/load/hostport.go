package load

import (
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// hostPorts checks each port's hostPort, which binds the port on the
// pod's node: only one pod per node can hold it, so only a DaemonSet,
// which runs one pod per node, takes it; Pod Security's baseline and
// restricted levels forbid host ports (its hostPorts check), so the level
// must be privileged; a node's port and protocol go to one port; and with
// the node's network (pod.hostNetwork) Kubernetes requires the hostPort
// to be the containerPort.
func (c *checker) hostPorts() {
	r := c.r
	if !c.ok(fieldpath.Ports.Path) {
		return
	}
	type key struct {
		port     int32
		protocol string
	}
	first := map[key]int{}
	for i, p := range r.Ports {
		if p.HostPort == 0 {
			continue
		}
		at := fieldpath.Ports.At(i).HostPort
		if c.ok(fieldpath.Workload) {
			switch kind := r.WorkloadKind(); kind {
			case release.WorkloadDeployment:
				c.fail(at, "hostPort holds the port on the pod's node, so the Deployment runs at most one pod per node: pods beyond that stay Pending, and a rolling update's new pods only start on nodes without an old one (allowed: leave it out and reach the pods through the Service; or workload: DaemonSet, one pod on each node)")
			case release.WorkloadStatefulSet:
				c.fail(at, "hostPort holds the port on the pod's node, so the StatefulSet runs at most one pod per node: pods beyond that stay Pending, and its ordered rollout waits on them (allowed: leave it out and reach the pods through the Service; or workload: DaemonSet, one pod on each node)")
			}
		}
		if c.ok(fieldpath.PodSecurity) && r.PodSecurity != release.PodSecurityPrivileged {
			c.fail(at, "podSecurity %q forbids host ports (Pod Security's hostPorts check, at baseline and restricted) (allowed: leave it out; or podSecurity: \"privileged\", the one level that allows it)", r.PodSecurity)
		}
		k := key{p.HostPort, p.Protocol}
		if j, ok := first[k]; ok {
			c.fail(at, "hostPort %d/%s is also ports[%d]'s: a node's port goes to one (allowed: a hostPort of its own)", p.HostPort, p.Protocol, j)
		} else {
			first[k] = i
		}
		if p.HostPort != p.ContainerPort && c.ok(fieldpath.Pod.Path, fieldpath.Stable.Path, fieldpath.Candidate.Path) {
			for _, m := range r.Versions() {
				if pod, _, err := r.PodOf(m.Version); err == nil && pod.HostNetwork {
					c.fail(at, "hostPort %d differs from containerPort %d, but the pods use the node's network (pod.hostNetwork), where Kubernetes requires them equal (allowed: hostPort %d, or leave it out: with hostNetwork the containerPort is the node's)", p.HostPort, p.ContainerPort, p.ContainerPort)
					break
				}
			}
		}
	}
}
