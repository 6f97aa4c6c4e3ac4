package lifecycle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specedit"
	"github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/release"
)

// New is the version start brings in, and the overrides it runs with.
type New struct {
	Version, Tag, Digest, Image string
	// Replicas is the version's own replica count, nil for the release's.
	Replicas *int
	// Env are the version's own environment variables, in order.
	Env []specedit.Entry
	// ChangeCause is the release's new changeCause, nil to keep the one
	// written (a note says it is kept), "" to remove it.
	ChangeCause *string
	// Bare starts the candidate without stable's overrides (env, config,
	// container, pod), which it otherwise carries; in place (recreate,
	// ramped), removes them from stable.
	Bare bool
}

// changeCause is the edit of the release's changeCause n asks for, or
// the note that the old one is kept.
func changeCause(r *release.Release, n New) ([]Change, []string) {
	p := fieldpath.ChangeCause
	switch {
	case n.ChangeCause == nil && r.ChangeCause != "":
		return nil, []string{fmt.Sprintf("%s: still reads %q, which kubectl rollout history will show for %s: edit it in the spec (rollspec start --change-cause TEXT sets it)", p, r.ChangeCause, n.Version)}
	case n.ChangeCause == nil || *n.ChangeCause == r.ChangeCause:
		return nil, nil
	case *n.ChangeCause == "":
		return []Change{remove(p, strconv.Quote(r.ChangeCause))}, nil
	}
	old := ""
	if r.ChangeCause != "" {
		old = strconv.Quote(r.ChangeCause)
	}
	c := set(p, old, *n.ChangeCause, fieldpath.Stable.Path)
	c.New = strconv.Quote(*n.ChangeCause)
	return []Change{c}, nil
}

// inPlace reports whether kind replaces stable in place, with no
// candidate (recreate, ramped).
func inPlace(kind string) bool { return !release.TwoVersion(kind) && !release.InPlace(kind) }

// Start adds a candidate written after stable, in stable's style, and
// puts the strategy at its first step; a strategy that replaces the pods
// in place (recreate, ramped) gets the new version as stable instead.
func Start(s *load.Spec, n New) (*Plan, error) {
	r := s.Release
	if r.Candidate != nil {
		return nil, problem(s, fieldpath.Candidate.Path, "a release is in progress: candidate %s (allowed: rollspec promote or rollspec rollback first)", describe(r.Candidate))
	}
	kind := r.Strategy.Kind()
	cause, notes := changeCause(r, n)
	if inPlace(kind) {
		p := startInPlace(r, kind, n)
		p.Changes, p.Notes = append(p.Changes, cause...), append(p.Notes, notes...)
		return p, nil
	}
	m := specedit.Map{{Key: "version", Value: n.Version}}
	for _, e := range []specedit.Entry{{Key: "tag", Value: n.Tag}, {Key: "digest", Value: n.Digest}, {Key: "image", Value: n.Image}} {
		if e.Value != "" {
			m = append(m, e)
		}
	}
	if n.Replicas != nil {
		m = append(m, specedit.Entry{Key: "replicas", Value: *n.Replicas})
	}
	ols, said := written(&r.Stable)
	stableEnv := r.Stable.Env
	if n.Bare {
		if len(said) > 0 {
			notes = append(notes, fmt.Sprintf("--bare: the candidate %s starts without stable's %s: promoting it removes them from production", n.Version, strings.Join(said, ", ")))
		}
		ols, said, stableEnv = nil, nil, nil
	}
	if len(n.Env) > 0 {
		m = append(m, specedit.Entry{Key: "env", Value: candidateEnv(stableEnv, n.Env)})
	}
	v := &release.Version{Version: n.Version, Tag: n.Tag, Digest: n.Digest, Image: n.Image}
	added := describe(v)
	if len(said) > 0 {
		added += ", carrying stable's " + strings.Join(said, ", ") + " (--bare starts without them)"
	}
	add := Change{Path: fieldpath.Candidate.Path, New: added, edit: func(src *specedit.Release) error {
		m, err := carry(src, ols, n.Env, slices.Clone(m))
		if err != nil {
			return err
		}
		return src.Insert(names(fieldpath.Candidate.Path), m, names(fieldpath.Stable.Path)[0])
	}}
	return &Plan{Changes: append(append([]Change{add}, cause...), reset(r)...), Notes: notes}, nil
}

// startInPlace sets stable to the new version: its tag and digest as
// given (one not given is removed, as it would name the old image).
func startInPlace(r *release.Release, kind string, n New) *Plan {
	st := fieldpath.Stable
	p := &Plan{Notes: []string{fmt.Sprintf("%s replaces the pods in place and takes no candidate: stable becomes %s", kind, n.Version)}}
	p.Changes = append(p.Changes, set(st.Version, r.Stable.Version, n.Version))
	for _, f := range []struct {
		path     fieldpath.Path
		old, new string
	}{{st.Tag, r.Stable.Tag, n.Tag}, {st.Digest, r.Stable.Digest, n.Digest}, {st.Image, r.Stable.Image, n.Image}} {
		switch {
		case f.new != "" && f.new != f.old:
			p.Changes = append(p.Changes, set(f.path, f.old, f.new, st.Version))
		case f.new == "" && f.old != "" && f.path != st.Image:
			p.Changes = append(p.Changes, remove(f.path, f.old))
		}
	}
	if n.Replicas != nil {
		old := ""
		if r.Stable.Replicas != nil {
			old = strconv.Itoa(int(*r.Stable.Replicas))
		}
		p.Changes = append(p.Changes, set(st.Replicas, old, *n.Replicas))
	}
	if n.Bare {
		ols, _ := written(&r.Stable)
		for _, o := range ols {
			if o.name != "env" || len(n.Env) == 0 {
				p.Changes = append(p.Changes, remove(o.path(st), strings.Join(o.keys(&r.Stable), ", ")))
				continue
			}
			// --env sets some: the others go one by one.
			for _, k := range o.keys(&r.Stable) {
				if !slices.ContainsFunc(n.Env, func(e specedit.Entry) bool { return e.Key == k }) {
					p.Changes = append(p.Changes, remove(st.Env.Key(k), r.Stable.Env[k]))
				}
			}
		}
	}
	for _, e := range n.Env {
		p.Changes = append(p.Changes, set(st.Env.Key(e.Key), r.Stable.Env[e.Key], e.Value))
	}
	return p
}

// Step moves a canary or partitioned update to step to (the next one
// when to < 0), or flips blue-green's active version.
func Step(s *load.Spec, to int) (*Plan, error) {
	r := s.Release
	kind := r.Strategy.Kind()
	f, steps, step, ok := stepped(r)
	switch {
	case !ok && kind != release.KindBlueGreen:
		return nil, problem(s, fieldpath.Strategy.Kinds[kind], "%s has no steps (allowed: a strategy with steps: %s)", kind, withSteps)
	case r.Candidate == nil:
		return nil, problem(s, fieldpath.Stable.Path, "no candidate to step to (allowed: rollspec start first)")
	case !ok && to >= 0:
		return nil, problem(s, fieldpath.Strategy.BlueGreen.Active, "blueGreen has no numbered steps: step makes the candidate active (allowed: rollspec step PATH)")
	case !ok && r.Strategy.BlueGreen.Active == release.RoleCandidate:
		// Its last step: flipping back would revert production unasked.
		return nil, problem(s, fieldpath.Strategy.BlueGreen.Active, "the candidate is active: run rollspec promote, or rollspec rollback to return to stable")
	case !ok:
		return &Plan{Changes: []Change{set(fieldpath.Strategy.BlueGreen.Active, r.Strategy.BlueGreen.Active, release.RoleCandidate)}}, nil
	case r.PodsFirst() && to < 0 && r.Strategy.Partitioned.RoutesBehind():
		// The second half of the step: the routes follow the pods.
		return &Plan{Changes: []Change{unrouted(r)}}, nil
	case to < 0 && step >= steps:
		return nil, problem(s, f.Step, "at the last step (%d of %d): run rollspec promote", step, steps)
	case to < 0:
		to = step + 1
	}
	switch {
	case to < lowestStep(r) || to > steps:
		return nil, problem(s, f.Step, "there is no step %d (allowed: %d to %d)", to, lowestStep(r), steps)
	case to == step:
		return nil, problem(s, f.Step, "already at step %d (allowed: another step from %d to %d)", to, lowestStep(r), steps)
	}
	p := &Plan{Changes: []Change{set(f.Step, strconv.Itoa(step), to)}}
	switch behind := r.PodsFirst() && r.Strategy.Partitioned.RoutesBehind(); {
	case r.PodsFirst() && to > step && !behind:
		// The first half of the step: the pods move, the routes wait.
		p.Changes = append(p.Changes, set(fieldpath.Strategy.PartitionedRouted, "", false, f.Step))
	case behind && to < step:
		p.Changes = append(p.Changes, unrouted(r))
	}
	return p, nil
}

// Promote makes the candidate stable with all its overrides (its block
// replaces stable's), and puts the strategy back at its first step.
// Before the candidate takes all traffic it refuses unless force.
func Promote(s *load.Spec, force bool) (*Plan, error) {
	r := s.Release
	if r.Candidate == nil {
		return nil, problem(s, fieldpath.Stable.Path, "no candidate to promote (allowed: rollspec start first)")
	}
	if r.Strategy.Partitioned != nil && r.Strategy.Partitioned.RoutesBehind() && !force {
		return nil, problem(s, fieldpath.Strategy.PartitionedRouted, "the routes wait for the pods of step %d: promoting now sends every request to the candidate before they are ready (allowed: rollspec step first, or --force)", r.Strategy.Partitioned.Step)
	}
	if f, steps, step, ok := stepped(r); ok && step < steps && !force {
		return nil, problem(s, f.Step, "the candidate is at step %d of %d: promoting now moves every pod and request to it at once (allowed: rollspec step to step %d first, or --force)", step, steps, steps)
	}
	if bg := r.Strategy.BlueGreen; bg != nil && bg.Active != release.RoleCandidate && !force {
		return nil, problem(s, fieldpath.Strategy.BlueGreen.Active, "the candidate is not active: promoting now flips all traffic to it at once (allowed: rollspec step to make it active first, or --force)")
	}
	if served, ok := partial[r.Strategy.Kind()]; ok && !force {
		kind := r.Strategy.Kind()
		return nil, problem(s, fieldpath.Strategy.Kinds[kind], "the candidate has served only %s: promoting now sends every request to it at once (allowed: --force)", served)
	}
	if mounted := stage.StillMounted(r); mounted != "" && !force {
		return nil, problem(s, fieldpath.Strategy.OnDelete, "%s", mounted)
	}
	// Two changes, each reported at the file it edits: in a CUE package
	// stable and the candidate may be written in different files.
	dropped := remove(fieldpath.Stable.Path, describe(&r.Stable))
	promoted := Change{Path: fieldpath.Candidate.Path, To: fieldpath.Stable.Path, New: describe(r.Candidate) + ", with its overrides",
		edit: func(src *specedit.Release) error {
			return src.Rename(names(fieldpath.Candidate.Path), names(fieldpath.Stable.Path)[0])
		}}
	p := &Plan{Changes: append([]Change{dropped, promoted}, reset(r)...)}
	if r.Strategy.OnDelete != nil {
		p.Notes = append(p.Notes, fmt.Sprintf("onDelete: the pods not deleted yet still run %s until they are; promoting changes no pod (delete them to move them to %s)", r.Stable.Version, r.Candidate.Version))
	}
	return p, nil
}

// partial are the strategies whose candidate serves only some requests
// until promoted, and which ones: promote refuses them unless forced.
var partial = map[string]string{
	release.KindShadow: "the mirrored requests, whose answers are discarded",
	release.KindABTest: "the requests its match selects",
}

// Rollback removes the candidate and puts the strategy back at its first
// step: stable only.
func Rollback(s *load.Spec) (*Plan, error) {
	r := s.Release
	if kind := r.Strategy.Kind(); inPlace(kind) {
		return nil, problem(s, fieldpath.Strategy.Kinds[kind], "%s keeps no candidate to roll back: it replaced stable in place (allowed: rollspec rollback --to REV PATH, which restores stable as git revision REV had it, or rollspec start PATH --version OLD --tag OLD)", kind)
	}
	if r.Candidate == nil {
		return nil, problem(s, fieldpath.Stable.Path, "no candidate to roll back (allowed: a release started with rollspec start)")
	}
	p := &Plan{Changes: append([]Change{remove(fieldpath.Candidate.Path, describe(r.Candidate))}, reset(r)...)}
	if note := stage.ForcedRollback(r); note != "" {
		p.Notes = append(p.Notes, note)
	}
	if r.ChangeCause != "" {
		// Kept: rollspec cannot know the text stable had before start.
		p.Notes = append(p.Notes, fmt.Sprintf("%s: still reads %q, which now annotates stable's workload: edit it in the spec if it describes the candidate rolled back", fieldpath.ChangeCause, r.ChangeCause))
	}
	return p, nil
}
