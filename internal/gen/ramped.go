package gen

import (
	appsv1 "k8s.io/api/apps/v1"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/release"
)

// ramped is a rolling update of one Deployment, paced by maxSurge and
// maxUnavailable.
type ramped struct{}

var _ Generator = ramped{}

func (ramped) Kind() string { return release.KindRamped }

func (ramped) Plan(r *release.Release) (*Plan, diag.List, error) {
	s := r.Strategy.Ramped
	surge, unavail := s.MaxSurge, s.MaxUnavailable
	return singlePlan(r, appsv1.DeploymentStrategy{
		Type:          appsv1.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavail},
	}), nil, nil
}
