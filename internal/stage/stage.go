package stage

import (
	"fmt"
	"strings"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/release"
)

// Plan is the stages of one release from its current state to its
// promotion.
type Plan struct {
	// Namespace and Name identify the release.
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Strategy is the strategy's kind, as the spec spells it.
	Strategy string `json:"strategy"`
	// Workload is the workload kind: Deployment, StatefulSet, DaemonSet.
	Workload string `json:"workload"`
	// Traffic is "native" or "istio".
	Traffic string `json:"traffic"`
	// Stages, the current state first.
	Stages []*Stage `json:"stages"`
}

// Stage is one state of the release.
type Stage struct {
	// Name says which state: "now", "step 2", "active: candidate",
	// "promote".
	Name string `json:"name"`
	// Edit is the spec change that leads here from the stage before, as
	// `field: value` ("" for now).
	Edit string `json:"edit"`
	// Release is the release in this state.
	Release *release.Release `json:"-"`
	// Pods are the pods each version runs, per workload.
	Pods []Pods `json:"pods"`
	// Routes are the shares of requests each version receives.
	Routes []Route `json:"routes"`
	// Transition is what Kubernetes does between the stage before and
	// this one; nil for now.
	Transition *Transition `json:"transition"`
	// Rollouts are the bounds each workload holds when its pod template
	// changes (a rolling update, a recreate): for now, the move from
	// whatever version runs before this spec is applied.
	Rollouts []Rollout `json:"rollouts"`
	// Problems are the stage's warnings and errors, each at the field of
	// the current spec that causes it (positioned by the caller).
	Problems diag.List `json:"-"`
	// at is the field the stage's edit writes.
	at fieldpath.Path
}

// Pods are the pods of one version in one workload.
type Pods struct {
	// Workload is the Deployment, StatefulSet or DaemonSet's name.
	Workload string `json:"workload"`
	// Kind is the workload's kind.
	Kind string `json:"kind"`
	// Role is stable or candidate; Version its version label.
	Role    string `json:"role"`
	Version string `json:"version"`
	// Count of pods; for a DaemonSet, 1 per node (PerNode).
	Count int32 `json:"count"`
	// PerNode is a DaemonSet's one pod per eligible node.
	PerNode bool `json:"perNode"`
	// Ordinals are a StatefulSet's pods running this version, as
	// Kubernetes names them: "db-0", "db-1".
	Ordinals []string `json:"ordinals,omitempty"`
	// UntilDeleted marks onDelete's pods: they keep this version until
	// each is deleted, when it takes the candidate's.
	UntilDeleted bool `json:"untilDeleted"`
	// Autoscaled marks a Deployment an autoscaler scales: Count is its
	// minReplicas, where it starts from.
	Autoscaled bool `json:"autoscaled"`
}

// Of works out the stages of r, valid and as written now, to its
// promotion. now are the problems of the current state as the caller
// found them (a build's warnings, positioned; nil: the Generator's); the
// other stages' are
// the Generators' warnings, at the fields of the current spec that cause
// them, for the caller to position. A stage that does not compile is
// reported among that stage's problems; the plan goes on.
func Of(r *release.Release, now diag.List) (*Plan, error) {
	p := &Plan{Namespace: r.Namespace, Name: r.Name, Strategy: r.Strategy.Kind(), Workload: r.WorkloadKind(), Traffic: r.Traffic}
	var prev *compiled
	var apart *Apart
	for _, e := range edits(r) {
		c, err := compileStage(e.release)
		if err != nil && prev == nil {
			return nil, fmt.Errorf("%s/%s: %w", r.Namespace, r.Name, err)
		}
		s := &Stage{Name: e.name, Edit: e.edit, Release: e.release, at: e.at, Pods: []Pods{}, Routes: []Route{}, Rollouts: []Rollout{}}
		if err != nil {
			s.Problems = diag.List{{Severity: diag.Error, Field: e.at.String(), Text: err.Error()}}
			p.Stages = append(p.Stages, s)
			continue
		}
		s.Pods = append(s.Pods, c.pods...)
		s.Routes = append(s.Routes, routes(e.release, c.res.Plan, c.pods)...)
		s.Rollouts = append(s.Rollouts, rollouts(c)...)
		if prev != nil {
			s.Transition = transition(prev, c)
		}
		s.Problems = e.remap(c.res.Diagnostics)
		if prev == nil && now != nil {
			s.Problems = now
		}
		if prev == nil {
			apart = VersionsApart(e.release, c.res.Objects)
		}
		if e.name == stagePromote && apart != nil {
			s.Problems = append(s.Problems, warn(fieldpath.Candidate.Path, fmt.Sprintf("promoting makes production run %s's pod template, which differs from %s's beyond the image: %s (allowed: the overrides production keeps written in the candidate too, as rollspec start carries them)", apart.Candidate, apart.Stable, apart.Differs)))
		}
		if e.name == stagePromote {
			if m := StillMounted(r); m != "" {
				s.Problems = append(s.Problems, warn(fieldpath.Strategy.OnDelete, m))
			}
		}
		p.Stages = append(p.Stages, s)
		prev = c
	}
	warnAcross(p)
	return p, nil
}

// edit is one stage: the release after a spec edit.
type edit struct {
	name, edit string
	release    *release.Release
	// at is the field the edit writes, where a problem of the stage
	// that has no field of its own is reported.
	at fieldpath.Path
	// promoted: the stage's stable is the current spec's candidate, so
	// its problems about stable are about the candidate's fields.
	promoted bool
}

// remap moves problems of a promoted stage from stable's fields to the
// candidate's, where the current spec writes them.
func (e edit) remap(l diag.List) diag.List {
	if !e.promoted {
		return l
	}
	stable, cand := fieldpath.Stable.String(), fieldpath.Candidate.String()
	out := make(diag.List, len(l))
	for i, d := range l {
		dd := *d
		if rest, ok := strings.CutPrefix(dd.Field, stable); ok && (rest == "" || rest[0] == '.') {
			dd.Field = cand + rest
		}
		out[i] = &dd
	}
	return out
}

// edits lists the stages of r: its state now, each further step, and the
// promotion.
func edits(r *release.Release) []edit {
	es := []edit{{name: stageNow, release: r, at: fieldpath.Root}}
	if r.Candidate == nil {
		return es
	}
	s := r.Strategy
	steps, step, stepped := s.Stepped()
	switch {
	case stepped && r.PodsFirst():
		es = append(es, podsThenRoutes(r)...)
	case stepped:
		f := fieldpath.Stepped(s)
		for i := step + 1; i <= steps; i++ {
			rr := *r
			rr.Strategy = s.AtStep(i)
			es = append(es, edit{name: fmt.Sprintf("step %d", i), edit: fmt.Sprintf("%s: %d", f.Step, i), release: &rr, at: f.Steps.At(i - 1)})
		}
	case s.BlueGreen != nil && s.BlueGreen.Active != release.RoleCandidate:
		bg := *s.BlueGreen
		bg.Active = release.RoleCandidate
		rr := *r
		rr.Strategy.BlueGreen = &bg
		es = append(es, edit{name: "active: candidate", edit: fieldpath.Strategy.BlueGreen.Active.String() + ": " + release.RoleCandidate, release: &rr, at: fieldpath.Strategy.BlueGreen.Active})
	}
	return append(es, edit{name: stagePromote, edit: "stable: the candidate " + r.Candidate.Version + "; no candidate", release: Promoted(r), at: fieldpath.Candidate.Path, promoted: true})
}

// Promoted is r after its promotion: the candidate, with everything it
// overrides, is the stable version; no candidate; the strategy at the
// state a new candidate starts from (step 0 with Istio, else 1; blue-green
// active stable).
func Promoted(r *release.Release) *release.Release {
	rr := *r
	rr.Stable, rr.Candidate = *r.Candidate, nil
	rr.Strategy = Reset(r)
	return &rr
}

// Reset is r's strategy at the state a new candidate starts from: the
// first step (step 0 with Istio, so the candidate's pods are ready before
// it takes requests), blue-green's stable version active.
func Reset(r *release.Release) release.Strategy {
	s := r.Strategy.AtStep(r.FirstStep())
	if s.Partitioned != nil {
		s.Partitioned.Routed = nil
	}
	if s.BlueGreen != nil {
		bg := *s.BlueGreen
		bg.Active = release.RoleStable
		s.BlueGreen = &bg
	}
	return s
}

// compiled is one stage compiled: the objects, the strategy's plan, and
// the pods each version runs.
type compiled struct {
	r    *release.Release
	res  *gen.Result
	pods []Pods
	// templates are each workload's pod template, by name, to tell a
	// rolling update from a scale.
	templates map[string]string
}

func compileStage(r *release.Release) (*compiled, error) {
	res, err := gen.Compile(r)
	if err != nil {
		return nil, err
	}
	return compiledOf(r, res), nil
}

// compiledOf is r compiled into res.
func compiledOf(r *release.Release, res *gen.Result) *compiled {
	c := &compiled{r: r, res: res, templates: map[string]string{}}
	for _, o := range res.Objects {
		if t := gen.PodTemplate(o); t != nil {
			c.templates[o.GetName()] = t.String()
		}
	}
	c.pods = pods(r, res.Plan)
	return c
}

// Now is r's current stage from res, what gen.Compile made of it, without
// compiling it again: its pods, routes and rollouts (not its problems,
// which the caller has).
func Now(r *release.Release, res *gen.Result) *Stage {
	c := compiledOf(r, res)
	return &Stage{Name: stageNow, Release: r, Pods: c.pods, Routes: routes(r, res.Plan, c.pods), Rollouts: rollouts(c)}
}

// Between is what Kubernetes does when a change of the spec takes a
// release from before to after (both valid): what `start`, `step`,
// `promote` and `rollback` make it do, and the bounds it holds on the way.
func Between(before, after *release.Release) (*Transition, error) {
	a, err := compileStage(before)
	if err != nil {
		return nil, err
	}
	b, err := compileStage(after)
	if err != nil {
		return nil, err
	}
	return transition(a, b), nil
}
