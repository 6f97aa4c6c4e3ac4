package gen

import (
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/release"
)

// partitioned moves one StatefulSet to the candidate's pod template and
// lets Kubernetes replace its pods from the highest ordinal down, as many
// as the current step says (the StatefulSet's partition): the pods below
// the partition keep the revision they run.
type partitioned struct{}

// onDelete moves one StatefulSet or DaemonSet to the candidate's pod
// template and replaces no pod: each takes it when deleted.
type onDelete struct{}

var (
	_ Generator = partitioned{}
	_ Generator = onDelete{}
)

func (partitioned) Kind() string { return release.KindPartitioned }

func (partitioned) Plan(r *release.Release) (*Plan, diag.List, error) {
	return inPlacePlan(r), nil, nil
}

func (onDelete) Kind() string { return release.KindOnDelete }

func (onDelete) Plan(r *release.Release) (*Plan, diag.List, error) { return inPlacePlan(r), nil, nil }

// inPlacePlan is one workload named after the release, its template the
// candidate's while there is one, and one Service selecting every
// version's pods: the pods of both versions serve, as many of each as
// the workload's controller has replaced.
func inPlacePlan(r *release.Release) *Plan {
	role, v := release.RoleStable, &r.Stable
	if r.Candidate != nil {
		role, v = release.RoleCandidate, r.Candidate
	}
	return &Plan{
		Workloads: []Workload{{Name: r.Name, Role: role, Version: v, Replicas: r.Replicas}},
		Services:  []ServicePlan{mainService(r, "")},
		Routes:    inPlaceRoutes(r),
	}
}

// inPlaceRoutes is the Istio routing of a workload updated in place. A
// staged StatefulSet update routes to the versions' subsets by their
// share of pods (the pods from the partition up run the candidate), as
// the Service would, with subsets other policies can use; without a
// candidate, all to stable, the candidate subset selecting stable as a
// two-version strategy's steady state does, so that the routes of just
// before a promotion still find it.
func inPlaceRoutes(r *release.Release) *Routes {
	if r.Traffic != release.TrafficIstio {
		return nil
	}
	p := r.Strategy.Partitioned
	switch {
	case p == nil:
		return hostRoutes(r) // onDelete: which pods run what is the operator's
	case p.RoutesBehind():
		// The pods move: every ready pod takes its share, as through the
		// Service, until the step's weights follow.
		return &Routes{Subsets: true, AllPods: true, Default: []Weighted{{Role: release.RoleStable, Weight: 100}}}
	case r.Candidate == nil:
		return steadyRoutes()
	}
	share := int32((int64(p.Updated())*100 + int64(r.Replicas)/2) / int64(max(r.Replicas, 1)))
	return &Routes{Subsets: true, Default: weights(100-share, share)}
}
