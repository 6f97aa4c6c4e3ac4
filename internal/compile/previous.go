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
	// No workload before (a file that does not parse): nothing ran,
	// nothing to compare with.
	if ran := before.Versions(); len(ran) > 0 && !allowSkip {
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
	const steps = "step 0 or 1 for a new candidate"
	s := rel.Strategy
	var at fieldpath.Path
	var what, allowed string
	switch {
	case s.Canary != nil && s.Canary.Step > 1:
		at, allowed = fieldpath.Strategy.Canary.Step, steps+", step 0 with traffic: istio to start without traffic"
		what = fmt.Sprintf("starts at step %d (%d%%): its first stage would be skipped", s.Canary.Step, s.Canary.Weight())
	case s.Partitioned != nil && s.Partitioned.Step > 1:
		at, allowed = fieldpath.Strategy.Partitioned.Step, steps
		what = fmt.Sprintf("starts at step %d (%d of %d pods): its first stage would be skipped", s.Partitioned.Step, s.Partitioned.Updated(), rel.Replicas)
	case s.BlueGreen != nil && s.BlueGreen.Active == release.RoleCandidate:
		at, allowed = fieldpath.Strategy.BlueGreen.Active, "active: stable for a new candidate"
		what = "is active at once: every request would reach it before it ran beside stable"
	default:
		return nil
	}
	return diag.List{{Pos: r.Spec.Pos(at), Field: at.String(),
		Text: fmt.Sprintf("the candidate %s is new in this change but %s (allowed: %s, as rollspec start writes it; --allow-skip to mean it)", c.Version, what, allowed)}}
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
