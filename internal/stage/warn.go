package stage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// warnAcross adds the warnings only the stages together show, and keeps
// each problem once, at the first stage that has it.
func warnAcross(p *Plan) {
	seen := map[string]bool{}
	copies := false
	for i, s := range p.Stages {
		if i == 0 {
			s.Problems = append(s.Problems, outage(s)...)
		}
		if i > 0 && s.Transition != nil && sameAs(p.Stages[i-1], s) && s.Name != stagePromote && !strings.HasSuffix(p.Stages[i-1].Name, podsHalf) {
			s.Problems = append(s.Problems, warn(s.at, fmt.Sprintf("%s changes nothing: %s, %s (allowed: steps that move pods or traffic; with traffic: native a share is a whole number of pods, traffic: istio gives exact weights)", s.Name, split(s), asAt(p.Stages[i-1].Name))))
		}
		if i > 0 && s.Transition != nil {
			if d := dip(p.Stages[i-1], s); d != nil {
				s.Problems = append(s.Problems, d)
			}
		}
		if d := undersized(s); d != nil {
			s.Problems = append(s.Problems, d)
		}
		if s.Name == stagePromote && i > 0 {
			s.Problems = append(s.Problems, shrinks(p.Stages[0], s)...)
		}
		if !copies {
			if pods, ok := twoCopies(s); ok {
				copies = true
				allowed := "fewer candidate replicas (candidate.replicas), or a strategy that shares the pods: canary natively, ramped"
				if s.Release.Autoscaler != nil {
					allowed = "room in the cluster for both autoscalers' minimum, or ramped, which shares the pods"
				}
				s.Problems = append(s.Problems, warn(fieldpath.Strategy.Path, fmt.Sprintf("%s runs both versions at full size at once, %s: the cluster needs room for both (allowed: %s)", s.Name, pods, allowed)))
			}
		}
		kept := s.Problems[:0]
		for _, d := range s.Problems {
			key := d.Field + "\x00" + d.Text
			if !seen[key] {
				seen[key] = true
				kept = append(kept, d)
			}
		}
		s.Problems = kept
	}
}

// Names of the first and last stages.
const (
	stageNow     = "now"
	stagePromote = "promote"
)

// sameAs reports whether b runs the same pods per version and shares
// requests as a does.
func sameAs(a, b *Stage) bool {
	return slices.EqualFunc(a.Pods, b.Pods, func(x, y Pods) bool {
		return x.Workload == y.Workload && x.Version == y.Version && x.Count == y.Count && slices.Equal(x.Ordinals, y.Ordinals)
	}) && slices.EqualFunc(a.Routes, b.Routes, func(x, y Route) bool {
		return x.Object == y.Object && slices.Equal(x.Shares, y.Shares) && (x.Mirror == nil) == (y.Mirror == nil)
	})
}

// split says how s shares pods and requests, for a message.
func split(s *Stage) string {
	cand, _ := podsOf(s.Pods, release.RoleCandidate)
	var total int32
	for _, p := range s.Pods {
		total += p.Count
	}
	text := fmt.Sprintf("%d of %d pods run the candidate", cand, total)
	for _, r := range s.Routes {
		for _, sh := range r.Shares {
			if sh.Role == release.RoleCandidate {
				return fmt.Sprintf("%s, which takes %s of requests", text, Percent(sh.Percent))
			}
		}
	}
	return text
}

// outage warns when a ramped Deployment's rolling update may leave no pod
// ready: maxUnavailable resolves to all its replicas (1 replica, maxSurge
// 0), so the controller stops the old pods before new ones are ready.
func outage(s *Stage) diag.List {
	if s.Release.Strategy.Ramped == nil {
		return nil
	}
	for _, ro := range s.Rollouts {
		if ro.Kind == release.WorkloadDeployment && ro.Strategy == "RollingUpdate" && ro.Replicas > 0 && ro.Floor == 0 {
			return diag.List{warn(fieldpath.Strategy.Ramped.MaxUnavailable, fmt.Sprintf("a new pod template may leave no pod ready: maxUnavailable %s lets the rolling update stop every pod of %s (%d) before their replacements are ready (allowed: maxSurge 1 or more with maxUnavailable 0, or more replicas)", ro.MaxUnavailable, ro.Workload, ro.Replicas))}
		}
	}
	return nil
}

// dip warns when the way from stage a to b leaves half the pods ready, or
// fewer: a native canary's step that scales stable down while the
// candidate's new pods start.
func dip(a, b *Stage) *diag.Diagnostic {
	var before, after int32
	for _, p := range a.Pods {
		before += p.Count
	}
	for _, p := range b.Pods {
		after += p.Count
	}
	ready := min(before, after)
	if ready < 2 || b.Transition.Floor*2 > ready {
		return nil
	}
	for _, m := range b.Transition.Moves {
		if m.Action == ActReplace {
			return nil // a StatefulSet's pods, one at a time: the least a step can move
		}
	}
	return warn(b.at, fmt.Sprintf("on the way to %s only %d of %d pods are ready while the new ones start (allowed: more steps, each moving fewer pods; traffic: istio, whose steps move no pod)", b.Name, b.Transition.Floor, ready))
}

// shrinks warns when the promotion leaves fewer pods than stable runs
// now: the candidate was sized for a trial (shadow's, an A/B test's)
// and becomes the only version.
func shrinks(now, promoted *Stage) diag.List {
	before, perNode := podsOf(now.Pods, release.RoleStable)
	after, _ := podsOf(promoted.Pods, release.RoleStable)
	if perNode || after >= before {
		return nil
	}
	return diag.List{warn(fieldpath.Candidate.Replicas, fmt.Sprintf("the promotion leaves %s of %s where %s runs %d now (allowed: the candidate's replicas at the stable's before promoting)", diag.Count(after, "pod"), now.Release.Candidate.Version, now.Release.Stable.Version, before))}
}

// twoCopies says, when s runs both versions at the release's full size
// (its replicas, or its autoscaler's minimum), how many pods of each.
func twoCopies(s *Stage) (string, bool) {
	r := s.Release
	if r.Candidate == nil {
		return "", false
	}
	stable, perNode := podsOf(s.Pods, release.RoleStable)
	cand, _ := podsOf(s.Pods, release.RoleCandidate)
	full := r.Replicas
	if r.Autoscaler != nil {
		full = r.Autoscaler.MinReplicas
	}
	if perNode || full == 0 || stable < full || cand < full {
		return "", false
	}
	return fmt.Sprintf("%d pods (%d of %s, %d of %s)", stable+cand, stable, r.Stable.Version, cand, r.Candidate.Version), true
}

// warn is a warning about the field at.
func warn(at fieldpath.Path, text string) *diag.Diagnostic {
	return &diag.Diagnostic{Severity: diag.Warning, Field: at.String(), Text: text}
}

// asAt says "as now" or "as at step 1".
func asAt(name string) string {
	if name == stageNow {
		return "as now"
	}
	return "as at " + name
}
