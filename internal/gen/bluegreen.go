package gen

import (
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/release"
)

// blueGreen runs both versions at full size; the main Service (or, with
// Istio, the route) sends all traffic to the active one.
type blueGreen struct{}

var _ Generator = blueGreen{}

func (blueGreen) Kind() string { return release.KindBlueGreen }

func (blueGreen) Plan(r *release.Release) (*Plan, diag.List, error) {
	bg := r.Strategy.BlueGreen
	active, idle := release.RoleStable, release.RoleCandidate
	if bg.Active == release.RoleCandidate {
		active, idle = idle, active
	}
	p := &Plan{Workloads: versionWorkloads(r)}
	if r.Traffic == release.TrafficIstio {
		// Istio routes by subset, so the Service must reach every version.
		p.Services = []ServicePlan{mainService(r, "")}
		p.Routes = &Routes{Subsets: true, Default: []Weighted{{Role: active, Weight: 100}}}
	} else {
		p.Services = []ServicePlan{mainService(r, active)}
	}
	if bg.Preview && r.Candidate != nil {
		p.Services = append(p.Services, ServicePlan{Name: r.Name + "-preview", Role: idle, Preview: true})
	}
	return p, nil, nil
}
