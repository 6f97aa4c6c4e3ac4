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
// make to an existing object, and a candidate new in this change that
// does not start at its strategy's first stage (unless allowSkip). A
// warning: a switch of strategy family, which replaces the Deployment.
func Previous(r *Release, prev []byte, file string, allowSkip bool) diag.List {
	before, after := immutable.Decode(prev), immutable.Decode(r.YAML)
	list := immutableChanges(r, before, after, file)
	if ran := before.Versions(); len(ran) > 0 && !allowSkip {
		// No workload before: nothing ran, nothing to compare with.
		list = append(list, skipped(r, ran)...)
	}
	return append(list, familySwitch(r, before, after, file)...)
}

// skipped is an error at the strategy's stage field when the candidate
// is new in this change (no workload of the previous file ran its
// version) but starts past its strategy's first stage: a canary or
// partitioned update past step 1, a blue-green candidate already active.
// The trap: a spec promoted at step 2 keeps it, and the next candidate
// would start at that step's share.
func skipped(r *Release, ran map[string]bool) diag.List {
	rel := r.Spec.Release
	c := rel.Candidate
	if c == nil || ran[c.Version] {
		return nil
	}
	const allow = "; --allow-skip to mean it)"
	s := rel.Strategy
	var at fieldpath.Path
	var text string
	switch {
	case s.Canary != nil && s.Canary.Step > 1:
		at = fieldpath.Strategy.Canary.Step
		text = fmt.Sprintf("starts at step %d (%d%%)", s.Canary.Step, s.Canary.Weight())
	case s.Partitioned != nil && s.Partitioned.Step > 1:
		at = fieldpath.Strategy.Partitioned.Step
		text = fmt.Sprintf("starts at step %d (%d of %d pods)", s.Partitioned.Step, s.Partitioned.Updated(), rel.Replicas)
	case s.BlueGreen != nil && s.BlueGreen.Active == release.RoleCandidate:
		return diag.List{{Pos: r.Spec.Pos(fieldpath.Strategy.BlueGreen.Active), Field: fieldpath.Strategy.BlueGreen.Active.String(),
			Text: fmt.Sprintf("the candidate %s is new in this change but is active at once: every request would reach it before it ran beside stable (allowed: active: stable for a new candidate"+allow, c.Version)}}
	default:
		return nil
	}
	return diag.List{{Pos: r.Spec.Pos(at), Field: at.String(),
		Text: fmt.Sprintf("the candidate %s is new in this change but %s: its first stage would be skipped (allowed: step 0 or 1 for a new candidate, step 0 with traffic: istio to start without traffic"+allow, c.Version, text)}}
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
