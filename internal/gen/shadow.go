package gen

import (
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/release"
)

// shadow serves every request from stable and mirrors a share of them to
// the candidate, whose responses are discarded, with Istio.
type shadow struct{}

var _ Generator = shadow{}

func (shadow) Kind() string { return release.KindShadow }

func (shadow) Plan(r *release.Release) (*Plan, diag.List, error) {
	p := &Plan{Workloads: versionWorkloads(r), Services: []ServicePlan{mainService(r, "")}, Routes: steadyRoutes()}
	if r.Candidate != nil {
		p.Routes.Mirror = &Mirror{Role: release.RoleCandidate, Percent: r.Strategy.Shadow.Percent}
	}
	return p, nil, nil
}
