package gen

import (
	"fmt"
	"math"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// canary moves a growing share of traffic to the candidate. Natively the
// share is the candidate's share of pods behind one Service; with Istio it
// is an exact route weight and replicas stay as written.
type canary struct{}

var _ Generator = canary{}

func (canary) Kind() string { return release.KindCanary }

func (canary) Plan(r *release.Release) (*Plan, diag.List, error) {
	p := &Plan{Workloads: versionWorkloads(r), Services: []ServicePlan{mainService(r, "")}}
	if r.Candidate == nil {
		if r.Traffic == release.TrafficIstio {
			p.Routes = steadyRoutes()
		}
		return p, nil, nil
	}
	w := r.Strategy.Canary.Weight()
	at := fieldpath.Strategy.Canary.Step // step 0: the candidate without traffic
	if step := r.Strategy.Canary.Step; step > 0 {
		at = fieldpath.Strategy.Canary.Steps.At(step - 1)
	}
	if r.Traffic == release.TrafficIstio {
		p.Routes = &Routes{Subsets: true, Default: weights(100-w, w)}
		return p, nil, nil
	}
	stable, cand := splitReplicas(r.Replicas, w)
	p.Workloads[0].Replicas, p.Workloads[1].Replicas = stable, cand
	var warns diag.List
	if eff := EffectiveWeight(r.Replicas, cand); eff != float64(w) {
		warns = append(warns, warning(at, fmt.Sprintf(
			"requested %d%%, effective %s%% (%d of %d pods); use traffic: istio for exact weights",
			w, formatPercent(eff), cand, r.Replicas)))
	}
	return p, warns, nil
}

// weights lists the non-zero stable and candidate weights.
func weights(stable, cand int32) []Weighted {
	var ws []Weighted
	if stable > 0 {
		ws = append(ws, Weighted{Role: release.RoleStable, Weight: stable})
	}
	if cand > 0 {
		ws = append(ws, Weighted{Role: release.RoleCandidate, Weight: cand})
	}
	return ws
}

// splitReplicas divides total pods between stable and candidate so that
// the candidate's share is as close as possible to weight percent, while a
// weight between 0 and 100 keeps at least one pod of each version.
func splitReplicas(total, weight int32) (stable, cand int32) {
	cand = int32(math.Round(float64(total) * float64(weight) / 100))
	if weight > 0 && weight < 100 {
		cand = max(1, min(cand, total-1))
	}
	return total - cand, cand
}

// EffectiveWeight is the candidate's share of traffic in percent when
// cand of total equally loaded pods serve it.
func EffectiveWeight(total, cand int32) float64 {
	if total == 0 {
		return 0
	}
	return float64(cand) * 100 / float64(total)
}

func formatPercent(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.1f", f)
}
