package specdiff

import (
	"reflect"
	"slices"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/release"
)

// Workload is what happens to one workload's pods.
type Workload struct {
	Kind, Name string
	// Action is stage.ActCreate (its pods start), stage.ActDelete (they
	// stop), stage.ActRoll (its pod template changed: the pods restart),
	// stage.ActReplace (a StatefulSet's partition moved: the pods above
	// it restart with the template it holds) or stage.ActScale.
	Action string
	// From and To are the pods before and after; a DaemonSet's, per node.
	From, To int32
	PerNode  bool
	// Restarted counts the pods that restart (ActRoll, ActReplace); 0
	// with OnDelete, whose pods take the template when each is deleted.
	Restarted int32
	// Replaced are a StatefulSet's pods that restart, highest ordinal
	// first, as Kubernetes replaces them.
	Replaced []string
	// Rollout is how Kubernetes rolls a changed template out (ActRoll).
	Rollout *stage.Rollout
	// OnDelete: the workload's pods take a changed template each when it
	// is deleted, none restarts before.
	OnDelete bool
	// Apart is, for the candidate's workload created or rolled, how its
	// pod template differs from stable's beyond the image (what promoting
	// changes in production besides the version); nil when in nothing else.
	Apart *stage.Apart
}

// workloads are what happens to the pods of each workload from a to b:
// b's workloads in order, then those only a runs.
func workloads(a, b *side) []Workload {
	var out []Workload
	var apart *stage.Apart
	if b.c != nil {
		apart = stage.VersionsApart(b.c.Spec.Release, b.objs)
	}
	for _, o := range b.objs {
		t := gen.PodTemplate(o)
		if t == nil {
			continue
		}
		w := Workload{Kind: kindOf(o), Name: o.GetName()}
		w.To, w.PerNode = count(b.now, w.Name)
		was, ok := a.byKey[key(o)]
		switch {
		case !ok:
			w.Action = stage.ActCreate
		case !reflect.DeepEqual(gen.PodTemplate(was), t):
			w.From, _ = count(a.now, w.Name)
			w.Action = stage.ActRoll
			w.Rollout = rolloutOf(b.now, w.Name)
			w.OnDelete = w.Rollout != nil && onDelete(w.Rollout.Strategy)
			if !w.OnDelete {
				w.Restarted = running(b.now, w.Name, t.Labels[release.LabelVersion])
			}
		default:
			w.From, _ = count(a.now, w.Name)
			if w.Replaced = replaced(a.now, b.now, w.Name); len(w.Replaced) > 0 {
				w.Action, w.Restarted = stage.ActReplace, int32(len(w.Replaced))
			} else if w.From != w.To {
				w.Action = stage.ActScale
			}
		}
		if apart != nil && apart.Candidate == w.Name && apart.Kind == w.Kind && (w.Action == stage.ActCreate || w.Action == stage.ActRoll) {
			w.Apart = apart
		}
		if w.Action != "" {
			out = append(out, w)
		}
	}
	for _, o := range a.objs {
		if _, ok := b.byKey[key(o)]; !ok && gen.PodTemplate(o) != nil {
			w := Workload{Kind: kindOf(o), Name: o.GetName(), Action: stage.ActDelete}
			w.From, w.PerNode = count(a.now, w.Name)
			out = append(out, w)
		}
	}
	return out
}

// onDelete reports whether an update strategy waits for each pod's
// deletion.
func onDelete(strategy string) bool {
	return strategy == string(appsv1.OnDeleteStatefulSetStrategyType) || strategy == string(appsv1.OnDeleteDaemonSetStrategyType)
}

// count is the pods workload name runs at s, and whether per node.
func count(s *stage.Stage, name string) (n int32, perNode bool) {
	if s == nil {
		return 0, false
	}
	for _, p := range s.Pods {
		if p.Workload == name {
			n += p.Count
			perNode = perNode || p.PerNode
		}
	}
	return n, perNode
}

// running is the pods of workload name running version at s: those a
// new template of that version replaces.
func running(s *stage.Stage, name, version string) int32 {
	var n int32
	for _, p := range s.Pods {
		if p.Workload == name && p.Version == version {
			n += p.Count
		}
	}
	return n
}

// rolloutOf is how s rolls a new template of workload name out.
func rolloutOf(s *stage.Stage, name string) *stage.Rollout {
	for _, ro := range s.Rollouts {
		if ro.Workload == name {
			return &ro
		}
	}
	return nil
}

// replaced are the pods of StatefulSet name that run the candidate at b
// and did not at a, highest ordinal first.
func replaced(a, b *stage.Stage, name string) []string {
	var had, out []string
	for _, p := range a.Pods {
		if p.Workload == name && p.Role == release.RoleCandidate {
			had = append(had, p.Ordinals...)
		}
	}
	for _, p := range b.Pods {
		if p.Workload != name || p.Role != release.RoleCandidate {
			continue
		}
		for _, o := range slices.Backward(p.Ordinals) {
			if !slices.Contains(had, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

// routes are the routes whose shares change from a to b: b's in order,
// then those only a has.
func routes(a, b *side) []Route {
	var before, after []stage.Route
	if a.now != nil {
		before = a.now.Routes
	}
	if b.now != nil {
		after = b.now.Routes
	}
	find := func(rs []stage.Route, object string) *stage.Route {
		if i := slices.IndexFunc(rs, func(r stage.Route) bool { return r.Object == object }); i >= 0 {
			return &rs[i]
		}
		return nil
	}
	var out []Route
	for i := range after {
		old := find(before, after[i].Object)
		if old == nil || !reflect.DeepEqual(byVersion(*old), byVersion(after[i])) {
			out = append(out, Route{Object: after[i].Object, Old: old, New: &after[i]})
		}
	}
	for i := range before {
		if find(after, before[i].Object) == nil {
			out = append(out, Route{Object: before[i].Object, Old: &before[i]})
		}
	}
	return out
}

// byVersion is r without the roles of its versions: a promotion makes the
// candidate stable, which moves no request.
func byVersion(r stage.Route) stage.Route {
	r.Shares = slices.Clone(r.Shares)
	for i := range r.Shares {
		r.Shares[i].Role = ""
	}
	if r.Mirror != nil {
		m := *r.Mirror
		m.Role = ""
		r.Mirror = &m
	}
	return r
}
