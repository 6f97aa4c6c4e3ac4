package main

import (
	"fmt"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/planfmt"
	"github.com/rollspec/rollspec/internal/stage"
)

// applied is what applying an edit makes Kubernetes do to the release
// edited, and the problems of the stage it moves to that the new state's
// plan no longer shows (a promotion's).
type applied struct {
	t        *stage.Transition
	problems diag.List
}

// change works out what applying the edit of before does, after being
// the releases of the edited sources; nil when the release cannot be
// compared (it was renamed).
func (c *moveConfig) change(before *load.Spec, after []*load.Spec) *applied {
	var next *load.Spec
	for _, s := range after {
		if id(s) == id(before) {
			next = s
		}
	}
	if next == nil {
		return nil
	}
	t, err := stage.Between(before.Release, next.Release)
	if err != nil {
		return nil
	}
	a := &applied{t: t}
	if c.command == "promote" {
		if p, err := stage.Of(before.Release, nil); err == nil {
			last := p.Stages[len(p.Stages)-1]
			for _, d := range last.Problems {
				dd := *d
				dd.Pos = diag.FileOnly(before.File) // the file is edited: its lines moved
				a.problems = append(a.problems, &dd)
			}
		}
	}
	return a
}

// outage refuses, unless --force, an edit whose change leaves no pod of
// the release ready on the way while it has some now: rolling back a
// native canary at its last step deletes the candidate's pods while
// stable's start from none. Recreate stops every pod by design.
func (c *moveConfig) outage(before *load.Spec, a *applied) *diag.Diagnostic {
	if a == nil || c.force || a.t.Floor > 0 || a.t.PerNode || before.Release.Strategy.Recreate != nil {
		return nil // a DaemonSet's node is down while the others serve
	}
	var ready int32
	for _, m := range a.t.Moves {
		ready += m.From
	}
	if ready == 0 {
		return nil // nothing runs now
	}
	allowed := "--force to mean it"
	if _, step, ok := before.Release.Strategy.Stepped(); ok && step > before.Release.FirstStep() {
		allowed = fmt.Sprintf("rollspec step %s %d first, so that stable runs pods again; or %s", before.File, before.Release.FirstStep(), allowed)
	}
	at := fieldpath.Strategy.Path
	return &diag.Diagnostic{Pos: before.Pos(at), Field: at.String(), Text: fmt.Sprintf(
		"%s would leave no ready pod on the way: %s; every request fails until the new pods are ready (allowed: %s)",
		c.command, planfmt.Moves(a.t), allowed)}
}

// printApplied writes what applying the edit does, and the problems of
// the stage it moved to.
func printApplied(e *env, file string, a *applied) {
	if a == nil {
		return
	}
	if len(a.t.Moves) == 0 {
		fmt.Fprintf(e.stdout, "%s: applying it moves no pod\n", file)
	} else {
		fmt.Fprintf(e.stdout, "%s: applying it: %s; %s on the way\n", file, inert.Line(planfmt.Moves(a.t)), planfmt.Bounds(a.t))
	}
	diag.Print(e.stderr, a.problems, e.cwd)
}
