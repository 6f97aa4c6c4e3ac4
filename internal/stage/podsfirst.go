package stage

import (
	"fmt"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// podsHalf ends the name of a step's first stage, whose pods move: the
// routes stage after it may change nothing a plan counts (the last
// step's weights are its pods' share), and is no mistake.
const podsHalf = ": pods"

// podsThenRoutes are the stages of r's further steps, two each: the
// partition, then the routes.
func podsThenRoutes(r *release.Release) []edit {
	f, routed := fieldpath.Strategy.Partitioned, fieldpath.Strategy.PartitionedRouted
	p := *r.Strategy.Partitioned
	at := func(i int, behind bool) *release.Release {
		rr := *r
		rr.Strategy = r.Strategy.AtStep(i)
		rr.Strategy.Partitioned.Routed = nil
		if behind {
			rr.Strategy.Partitioned.Routed = new(bool)
		}
		return &rr
	}
	var es []edit
	if p.RoutesBehind() {
		es = append(es, edit{name: fmt.Sprintf("step %d", p.Step), edit: routed.String() + ": removed", release: at(p.Step, false), at: routed})
	}
	for i := p.Step + 1; i <= len(p.Steps); i++ {
		es = append(es,
			edit{name: fmt.Sprintf("step %d%s", i, podsHalf), edit: fmt.Sprintf("%s: %d, %s: false", f.Step, i, routed), release: at(i, true), at: f.Steps.At(i - 1)},
			edit{name: fmt.Sprintf("step %d", i), edit: routed.String() + ": removed", release: at(i, false), at: f.Steps.At(i - 1)})
	}
	return es
}
