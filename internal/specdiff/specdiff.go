package specdiff

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/stage"
)

// Diff is what changes between two sets of compiled releases.
type Diff struct {
	// Releases that are new, removed or changed, by namespace and name.
	Releases []*Release
	// Unchanged counts the releases whose objects are the same on both
	// sides.
	Unchanged int
}

// Status of a release between the two sides.
const (
	StatusNew     = "new"
	StatusRemoved = "removed"
	StatusChanged = "changed"
)

// Release is what changes in one release.
type Release struct {
	Namespace, Name string
	// Status is StatusNew (only after), StatusRemoved (only before) or
	// StatusChanged.
	Status string
	// Objects created, deleted, changed and replaced: the replaced
	// ConfigMaps first, then in the compiled order (the new side's, then
	// what only the old side holds).
	Objects []Object
	// Workloads whose pods start, stop, restart or scale.
	Workloads []Workload
	// Routes whose shares of the requests change.
	Routes []Route
}

// Restarts reports whether any workload's pods restart.
func (r *Release) Restarts() bool {
	return slices.ContainsFunc(r.Workloads, func(w Workload) bool { return w.Action == stage.ActRoll || w.Action == stage.ActReplace })
}

// Replacement is what a changed release replaces when it deletes
// workloads whose pods run and creates others whose pods start (a
// strategy switch: ramped's Deployment web by canary's web-v1), each of
// a kind the other side has: the pods stop while the new ones start.
// None when it deletes or creates none.
func (r *Release) Replacement() (stop, start []Workload) {
	if r.Status != StatusChanged {
		return nil, nil
	}
	runs := func(action string, w Workload) bool {
		return w.Action == action && (w.From > 0 || w.To > 0 || w.PerNode)
	}
	// Each of the same kind as one on the other side.
	for _, w := range r.Workloads {
		switch {
		case runs(stage.ActDelete, w) && slices.ContainsFunc(r.Workloads, func(o Workload) bool { return runs(stage.ActCreate, o) && o.Kind == w.Kind }):
			stop = append(stop, w)
		case runs(stage.ActCreate, w) && slices.ContainsFunc(r.Workloads, func(o Workload) bool { return runs(stage.ActDelete, o) && o.Kind == w.Kind }):
			start = append(start, w)
		}
	}
	return stop, start
}

// Object changes, as Object.Change names them.
const (
	Created  = "created"
	Deleted  = "deleted"
	Changed  = "changed"
	Replaced = "replaced" // a hashed ConfigMap by another of the same versions
)

// Object is one compiled object that changes.
type Object struct {
	Kind, Name string
	// Change is Created, Deleted, Changed or Replaced.
	Change string
	// Was is a replaced ConfigMap's previous name.
	Was string
	// Fields that changed (Changed).
	Fields []Field
	// Config is a replaced ConfigMap's versions and keys.
	Config *Config
}

// Field is one field of an object that changes: Old and New are its
// values as compact JSON (strings bare), empty on a side where the field
// is absent.
type Field struct {
	Path     string
	Old, New string
	// OldAbsent and NewAbsent mark a field added or removed.
	OldAbsent, NewAbsent bool
}

// Route is a route whose shares of the requests change: Old is nil for
// a new route, New for one that goes.
type Route struct {
	Object   string
	Old, New *stage.Route
}

// Compare compares the releases before (old) and after (next), each
// compiled with its objects (compile.Specs).
func Compare(old, next []*compile.Release) (*Diff, error) {
	type pair struct{ old, next *compile.Release }
	byName := map[string]*pair{}
	var keys []string
	add := func(r *compile.Release) *pair {
		k := r.Spec.Release.Namespace + "/" + r.Spec.Release.Name
		p, ok := byName[k]
		if !ok {
			p = &pair{}
			byName[k] = p
			keys = append(keys, k)
		}
		return p
	}
	for _, r := range old {
		add(r).old = r
	}
	for _, r := range next {
		add(r).next = r
	}
	slices.Sort(keys)
	d := &Diff{}
	for _, k := range keys {
		p := byName[k]
		rd, err := compareRelease(p.old, p.next)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if rd == nil {
			d.Unchanged++
			continue
		}
		d.Releases = append(d.Releases, rd)
	}
	return d, nil
}

// side is one side of a release: its objects and its current stage.
type side struct {
	c     *compile.Release
	objs  []gen.Object
	now   *stage.Stage
	byKey map[string]gen.Object
}

func sideOf(c *compile.Release) (*side, error) {
	s := &side{c: c, byKey: map[string]gen.Object{}}
	if c == nil {
		return s, nil
	}
	if c.Result == nil {
		return nil, fmt.Errorf("compiled without its objects (allowed: compile.Specs' releases)")
	}
	s.now, s.objs = stage.Now(c.Spec.Release, c.Result), c.Result.Objects
	for _, o := range s.objs {
		s.byKey[key(o)] = o
	}
	return s, nil
}

// key identifies an object as the API server does.
func key(o gen.Object) string {
	return kindOf(o) + "/" + o.GetNamespace() + "/" + o.GetName()
}

func kindOf(o gen.Object) string { return o.GetObjectKind().GroupVersionKind().Kind }

// compareRelease compares one release's two sides; nil when nothing changes.
func compareRelease(oldC, nextC *compile.Release) (*Release, error) {
	a, b, err := both(sideOf, oldC, nextC)
	if err != nil {
		return nil, err
	}
	some := cmp.Or(nextC, oldC)
	r := &Release{Namespace: some.Spec.Release.Namespace, Name: some.Spec.Release.Name, Status: StatusChanged}
	switch {
	case oldC == nil:
		r.Status = StatusNew
	case nextC == nil:
		r.Status = StatusRemoved
	}
	if r.Objects, err = objects(a, b); err != nil {
		return nil, err
	}
	if len(r.Objects) == 0 {
		return nil, nil
	}
	r.Workloads = workloads(a, b)
	r.Routes = routes(a, b)
	return r, nil
}

// objects are the objects created, deleted and changed from a to b, and
// the ConfigMaps replaced.
func objects(a, b *side) ([]Object, error) {
	var out []Object
	for _, o := range b.objs {
		was, ok := a.byKey[key(o)]
		if !ok {
			out = append(out, Object{Kind: kindOf(o), Name: o.GetName(), Change: Created})
			continue
		}
		fs, err := fieldsOf(was, o)
		if err != nil {
			return nil, err
		}
		if len(fs) > 0 {
			out = append(out, Object{Kind: kindOf(o), Name: o.GetName(), Change: Changed, Fields: fs})
		}
	}
	for _, o := range a.objs {
		if _, ok := b.byKey[key(o)]; !ok {
			out = append(out, Object{Kind: kindOf(o), Name: o.GetName(), Change: Deleted})
		}
	}
	return pairConfigs(a, b, out), nil
}
