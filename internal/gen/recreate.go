package gen

import (
	appsv1 "k8s.io/api/apps/v1"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/release"
)

// recreate stops every old pod before starting new ones: one Deployment
// with strategy Recreate.
type recreate struct{}

var _ Generator = recreate{}

func (recreate) Kind() string { return release.KindRecreate }

func (recreate) Plan(r *release.Release) (*Plan, diag.List, error) {
	return singlePlan(r, appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}), nil, nil
}

// singlePlan is one Deployment named after the release, replaced in place
// by each new stable version, and one Service selecting it.
func singlePlan(r *release.Release, s appsv1.DeploymentStrategy) *Plan {
	return &Plan{
		Workloads: []Workload{{Name: r.Name, Role: release.RoleStable, Version: &r.Stable, Replicas: replicas(r, &r.Stable), Strategy: s}},
		Services:  []ServicePlan{mainService(r, "")},
		Routes:    hostRoutes(r),
	}
}
