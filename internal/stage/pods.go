package stage

import (
	"strconv"

	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/release"
)

// pods are the pods each version runs in r's plan p. A Deployment runs
// one version; a StatefulSet moved in place runs the candidate's template
// from the partition up and stable's below it; a DaemonSet runs one pod
// per node.
func pods(r *release.Release, p *gen.Plan) []Pods {
	kind := r.WorkloadKind()
	var out []Pods
	for _, w := range p.Workloads {
		if !release.InPlace(r.Strategy.Kind()) || r.Candidate == nil {
			out = append(out, one(kind, w.Name, w.Role, w.Version.Version, w.Replicas, 0))
			continue
		}
		// In place: the workload's template is the candidate's, yet only
		// the pods Kubernetes has replaced run it.
		switch s := r.Strategy; {
		case s.Partitioned != nil:
			updated := min(s.Partitioned.Updated(), w.Replicas)
			out = append(out,
				one(kind, w.Name, release.RoleStable, r.Stable.Version, w.Replicas-updated, 0),
				one(kind, w.Name, release.RoleCandidate, r.Candidate.Version, updated, w.Replicas-updated))
		default: // onDelete
			st := one(kind, w.Name, release.RoleStable, r.Stable.Version, w.Replicas, 0)
			st.UntilDeleted = true
			out = append(out, st, one(kind, w.Name, release.RoleCandidate, r.Candidate.Version, 0, 0))
		}
	}
	for i := range out {
		// An autoscaler starts the workload at its minimum.
		out[i].Autoscaled = r.Autoscaler != nil && kind != release.WorkloadDaemonSet
	}
	return out
}

// one is count pods of version in workload name, a StatefulSet's from
// ordinal first up.
func one(kind, name, role, version string, count, first int32) Pods {
	p := Pods{Workload: name, Kind: kind, Role: role, Version: version, Count: count}
	switch kind {
	case release.WorkloadDaemonSet:
		if count > 0 {
			p.Count, p.PerNode = 1, true
		}
	case release.WorkloadStatefulSet:
		for i := first; i < first+count; i++ {
			p.Ordinals = append(p.Ordinals, name+"-"+strconv.Itoa(int(i)))
		}
	}
	return p
}

// podsOf counts the pods of role among ps, and whether they are a
// DaemonSet's, one per node.
func podsOf(ps []Pods, role string) (count int32, perNode bool) {
	for _, p := range ps {
		if p.Role == role {
			count += p.Count
			perNode = perNode || p.PerNode
		}
	}
	return count, perNode
}
