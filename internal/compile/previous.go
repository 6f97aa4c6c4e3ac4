package compile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/immutable"
	"github.com/rollspec/rollspec/release"
)

// Previous compares r's output with prev, the file generated for it
// before (named file), and returns what applying the change would do that
// the spec likely does not mean. Errors: a change Kubernetes refuses to
// make to an existing object, and a candidate past its strategy's first
// stage whose pods never ran that stage: new in this change (with Istio,
// new at step 1), or with a pod template changed since (unless
// allowSkip). A warning: a switch of
// strategy family, which replaces the Deployment.
func Previous(r *Release, prev []byte, file string, allowSkip bool) diag.List {
	before, after := immutable.Decode(prev), immutable.Decode(r.YAML)
	list := immutableChanges(r, before, after, file)
	// No workload before (a file that does not parse): nothing ran,
	// nothing to compare with.
	if ran := before.Versions(); len(ran) > 0 && !allowSkip {
		list = append(list, skipped(r, ran, before, after)...)
	}
	return append(list, familySwitch(r, before, after, file)...)
}

// skipped is an error at the strategy's stage field when the candidate
// is past its strategy's first stage — a canary or partitioned update
// past step 1, a blue-green candidate already active — but its pods never
// ran the first: it is new in this change (no workload of the previous
// file ran its version), or its pod template changed since the previous
// file (a new tag under the same version label, new config, …), which
// replaces its pods by pods that take the stage's traffic at once. The
// trap: a spec promoted at step 2 keeps it, and the next candidate would
// start at that step's share. A template change of stable is a rolling
// update of the version that takes the traffic anyway: not this rule.
func skipped(r *Release, ran map[string]bool, prev, next *immutable.Output) diag.List {
	rel := r.Spec.Release
	c := rel.Candidate
	if c == nil {
		return nil
	}
	st := pastFirst(rel)
	if st == nil && !ran[c.Version] {
		st = unready(rel)
	}
	if st == nil {
		return nil
	}
	text := fmt.Sprintf("the candidate %s is new in this change but %s (allowed: %s, as rollspec start writes it; --allow-skip to mean it)", c.Version, st.skipped, st.allowed)
	if ran[c.Version] {
		changed := immutable.TemplateChange(prev.Templates(c.Version), next.Templates(c.Version))
		if changed == "" {
			return nil
		}
		text = fmt.Sprintf("the candidate %s's pod template changed (%s) %s: %s (allowed: a new version label, as rollspec start writes it, or %s first; --allow-skip to mean it)", c.Version, changed, st.where, st.replaced, st.first)
	}
	return diag.List{{Pos: r.Spec.Pos(st.at), Field: st.at.String(), Text: text}}
}

// stage describes a strategy's stage past its first, for skipped.
type stage struct {
	at fieldpath.Path // the field that sets it
	// skipped and allowed say it of a new candidate; where, replaced and
	// first of a candidate whose pod template changed.
	skipped, allowed       string
	where, replaced, first string
}

// pastFirst is the stage rel's strategy is at when it is past its first
// (a canary or partitioned update past step 1, a blue-green candidate
// active), else nil.
func pastFirst(rel *release.Release) *stage {
	const steps = "step 0 or 1 for a new candidate"
	s := rel.Strategy
	switch {
	case s.Canary != nil && s.Canary.Step > 1:
		w := s.Canary.Weight()
		share := fmt.Sprintf("%d%% of the requests", w)
		if w == 100 {
			share = "every request"
		}
		return &stage{at: fieldpath.Strategy.Canary.Step,
			skipped:  fmt.Sprintf("starts at step %d (%d%%): the steps before it would be skipped", s.Canary.Step, w),
			allowed:  steps + ", step 0 with traffic: istio to start without traffic",
			where:    fmt.Sprintf("at step %d (%d%%)", s.Canary.Step, w),
			replaced: "its new pods would take " + share + " at once",
			first:    "step 0 or 1"}
	case s.Partitioned != nil && s.Partitioned.Step > 1:
		return &stage{at: fieldpath.Strategy.Partitioned.Step,
			skipped:  fmt.Sprintf("starts at step %d (%d of %d pods): the steps before it would be skipped", s.Partitioned.Step, s.Partitioned.Updated(), rel.Replicas),
			allowed:  steps,
			where:    fmt.Sprintf("at step %d (%d of %d pods)", s.Partitioned.Step, s.Partitioned.Updated(), rel.Replicas),
			replaced: fmt.Sprintf("the StatefulSet would replace its %d updated pods by pods of the new template, its first stage skipped", s.Partitioned.Updated()),
			first:    "step 1"}
	case s.BlueGreen != nil && s.BlueGreen.Active == release.RoleCandidate:
		return &stage{at: fieldpath.Strategy.BlueGreen.Active,
			skipped:  "is active at once: every request would reach it before it ran beside stable",
			allowed:  "active: stable for a new candidate",
			where:    "while it is active",
			replaced: "its new pods would take every request as they start, before they ran beside stable",
			first:    "active: stable"}
	}
	return nil
}

// unready is the stage of a candidate at step 1 with traffic: istio,
// whose first stage is step 0: for a new candidate, the route sends step
// 1's share to its subset at once, which answers HTTP 503 until its pods
// are ready (start writes step 0 so that they get ready first). Else nil.
// A candidate that ran before has pods that took step 0's place.
func unready(rel *release.Release) *stage {
	steps, step, ok := rel.Strategy.Stepped()
	if !ok || step != 1 || rel.FirstStep() != 0 {
		return nil
	}
	at := fieldpath.Stepped(rel.Strategy).Step
	var share string
	if c := rel.Strategy.Canary; c != nil {
		share = fmt.Sprintf("%d%%", c.Weight())
	} else {
		share = fmt.Sprintf("%d of %d pods", rel.Strategy.Partitioned.Updated(), rel.Replicas)
	}
	return &stage{at: at,
		skipped: fmt.Sprintf("starts at step 1 of %d (%s) with traffic: istio: its share of the requests gets HTTP 503 until its pods are ready", steps, share),
		allowed: "step 0 for a new candidate with traffic: istio, its pods ready before any request reaches them"}
}

// familySwitch warns when the strategy moves between the family that
// runs one Deployment `<name>` (recreate, ramped) and the one that runs a
// Deployment `<name>-<version>` per version: the new Deployments replace
// the old, and pruning deletes the old one's pods while the new ones
// still start.
func familySwitch(r *Release, prev, next *immutable.Output, file string) diag.List {
	name, ns, kind := r.Spec.Release.Name, r.Spec.Release.Namespace, release.WorkloadDeployment
	was, is := prev.Names(kind, ns), next.Names(kind, ns)
	if slices.Contains(was, name) == slices.Contains(is, name) {
		return nil
	}
	gone := slices.DeleteFunc(slices.Clone(was), func(n string) bool { return slices.Contains(is, n) })
	added := slices.DeleteFunc(slices.Clone(is), func(n string) bool { return slices.Contains(was, n) })
	if len(gone) == 0 || len(added) == 0 {
		return nil
	}
	return diag.List{{Severity: diag.Warning, Pos: r.Spec.Pos(fieldpath.Strategy.Path), Field: fieldpath.Strategy.Path.String(),
		Text: fmt.Sprintf("replaces %s (%s) by %s: applying with pruning deletes the old one, stopping its pods while the new ones are still starting: an interruption (allowed: to switch without one, apply without pruning, wait until `kubectl rollout status` succeeds for %s, then apply with pruning; or keep the strategy until a short interruption is acceptable)",
			deployments(gone), file, deployments(added), strings.Join(added, " and "))}}
}

// deployments names Deployments in prose: "Deployment web", "Deployments
// web-v1, web-v2".
func deployments(names []string) string {
	if len(names) == 1 {
		return "Deployment " + names[0]
	}
	return "Deployments " + strings.Join(names, ", ")
}
