package lifecycle

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specedit"
	"github.com/rollspec/rollspec/release"
)

// Plan is what a command changes in one release's spec.
type Plan struct {
	// Changes are the edits, in the order they are reported.
	Changes []Change
	// Notes are said besides the changes: start on a strategy that
	// replaces stable in place, a changeCause start or rollback keeps,
	// onDelete's pods that promote does not move.
	Notes []string
}

// Change is one field's edit: its old and new value as reported ("" for
// a field added or removed) and the edit of the source it makes.
type Change struct {
	// Path is the field changed.
	Path fieldpath.Path
	// To is the field Path is renamed to (promote: candidate → stable),
	// New describing the value moved; empty for an edit in place.
	To fieldpath.Path
	// Old and New describe the value before and after.
	Old, New string
	edit     func(src *specedit.Release) error
}

// String reports the change: strategy.canary.step: 1 → 2.
func (c Change) String() string {
	switch {
	case c.To.String() != "":
		return c.Path.String() + " → " + c.To.String() + ": " + c.New
	case c.Old == "":
		return c.Path.String() + ": added " + c.New
	case c.New == "":
		return c.Path.String() + ": removed: " + c.Old
	}
	return c.Path.String() + ": " + c.Old + " → " + c.New
}

// names is a path of the fields lifecycle names, as specedit takes it.
func names(p fieldpath.Path) []string {
	n, err := specedit.Split(p.String())
	if err != nil {
		panic(err) // the paths named here are fields, never list entries
	}
	return n
}

// set changes the scalar at p from old to v; a field not written is
// added after its sibling named after (else after the last field).
func set(p fieldpath.Path, old string, v any, after ...fieldpath.Path) Change {
	sibling := ""
	if len(after) > 0 {
		n := names(after[0])
		sibling = n[len(n)-1]
	}
	return Change{Path: p, Old: old, New: fmt.Sprint(v), edit: func(src *specedit.Release) error { return src.SetAfter(names(p), v, sibling) }}
}

// remove deletes the field at p, whose value old describes.
func remove(p fieldpath.Path, old string) Change {
	return Change{Path: p, Old: old, edit: func(src *specedit.Release) error { return src.Delete(names(p)) }}
}

// problem is an error at the field at, where the spec writes it (or the
// closest enclosing field it writes).
func problem(s *load.Spec, at fieldpath.Path, format string, args ...any) *diag.Diagnostic {
	return &diag.Diagnostic{Pos: s.Pos(at), Field: at.String(), Text: fmt.Sprintf(format, args...)}
}

// describe writes a version as changes report it: v2 (tag 2).
func describe(v *release.Version) string {
	var parts []string
	if v.Tag != "" {
		parts = append(parts, "tag "+v.Tag)
	}
	if v.Digest != "" {
		parts = append(parts, "digest "+v.Digest)
	}
	if v.Image != "" {
		parts = append(parts, "image "+v.Image)
	}
	if len(parts) == 0 {
		return v.Version
	}
	return v.Version + " (" + strings.Join(parts, ", ") + ")"
}

// stepped is a canary's or partitioned update's step fields and values;
// ok is false for the other strategies.
func stepped(r *release.Release) (f fieldpath.CanaryFields, steps, step int, ok bool) {
	steps, step, ok = r.Strategy.Stepped()
	return fieldpath.Stepped(r.Strategy), steps, step, ok
}

// lowestStep is the lowest step a release with a candidate may be at.
func lowestStep(r *release.Release) int {
	if r.Strategy.Partitioned != nil {
		return 0
	}
	return r.FirstStep()
}

// reset puts the strategy back where a release starts: the first step,
// or blue-green's stable version active.
func reset(r *release.Release) []Change {
	var routed []Change
	if p := r.Strategy.Partitioned; p != nil && p.Routed != nil {
		routed = append(routed, unrouted(r))
	}
	if f, _, step, ok := stepped(r); ok && step != r.FirstStep() {
		return append([]Change{set(f.Step, strconv.Itoa(step), r.FirstStep(), f.Steps.Path)}, routed...)
	}
	if len(routed) > 0 {
		return routed
	}
	if bg := r.Strategy.BlueGreen; bg != nil && bg.Active != release.RoleStable {
		return []Change{set(fieldpath.Strategy.BlueGreen.Active, bg.Active, release.RoleStable)}
	}
	return nil
}

// unrouted removes a partitioned update's routed: the routes follow the
// step.
func unrouted(r *release.Release) Change {
	return remove(fieldpath.Strategy.PartitionedRouted, strconv.FormatBool(*r.Strategy.Partitioned.Routed))
}

// withSteps are the strategies step moves.
var withSteps = strings.Join([]string{release.KindCanary, release.KindPartitioned, release.KindBlueGreen}, ", ")
