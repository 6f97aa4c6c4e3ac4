package gen

import (
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/release"
)

// abTest sends requests that match (headers, cookie, query) to the
// candidate and everything else to stable, with Istio.
type abTest struct{}

var _ Generator = abTest{}

func (abTest) Kind() string { return release.KindABTest }

func (abTest) Plan(r *release.Release) (*Plan, diag.List, error) {
	p := &Plan{Workloads: versionWorkloads(r), Services: []ServicePlan{mainService(r, "")}, Routes: steadyRoutes()}
	if r.Candidate != nil {
		p.Routes.Match = r.Strategy.ABTest.Match
	}
	return p, nil, nil
}
