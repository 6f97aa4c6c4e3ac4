package planfmt

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/release"
)

// Formats lists the formats Write takes, the default first.
var Formats = []string{"table", "markdown", "json", "svg"}

// podsCell says which pods each version runs: "v1 ×3 · v2 ×1", a
// StatefulSet's by name, a DaemonSet's on every node.
func podsCell(ps []stage.Pods) string {
	var parts []string
	for _, p := range ps {
		switch {
		case p.PerNode:
			parts = append(parts, p.Version+" on every node")
		case p.Count == 0:
			continue
		case len(p.Ordinals) > 0:
			parts = append(parts, p.Version+" "+ordinals(p.Ordinals))
		default:
			parts = append(parts, fmt.Sprintf("%s ×%d", p.Version, p.Count))
		}
		if p.Autoscaled {
			parts[len(parts)-1] += " (the autoscaler's minimum)"
		}
		if p.UntilDeleted {
			parts[len(parts)-1] += " until deleted"
		}
	}
	if len(parts) == 0 {
		return "no pods"
	}
	return strings.Join(parts, " · ")
}

// ordinals lists a StatefulSet's pods, a long run shortened to its ends.
func ordinals(names []string) string {
	if len(names) > 3 {
		return names[0] + "…" + names[len(names)-1]
	}
	return strings.Join(names, ",")
}

// RouteText says how a route shares requests: "v1 75% · v2 25%", what a
// match sends to the candidate, what is mirrored.
func RouteText(r stage.Route) string {
	var parts []string
	for _, s := range r.Shares {
		parts = append(parts, s.Version+" "+stage.Percent(s.Percent))
	}
	text := strings.Join(parts, " · ")
	if len(r.Shares) == 0 {
		text = "no pods: requests fail"
	}
	if len(r.Match) > 0 {
		text = fmt.Sprintf("%s if %s; else %s", r.MatchVersion, matches(r.Match), text)
	}
	if m := r.Mirror; m != nil {
		text += fmt.Sprintf(" (+%s mirrored to %s)", stage.Percent(m.Percent), m.Version)
	}
	return text
}

// matches says which requests an A/B test selects.
func matches(ms []release.Match) string {
	var any []string
	for _, m := range ms {
		var all []string
		for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
			all = append(all, "header "+k+stringMatch(m.Headers[k]))
		}
		if c := m.Cookie; c != nil {
			all = append(all, "cookie "+c.Name+"="+c.Value)
		}
		for _, k := range slices.Sorted(maps.Keys(m.QueryParams)) {
			all = append(all, "query "+k+stringMatch(m.QueryParams[k]))
		}
		any = append(any, strings.Join(all, " and "))
	}
	return strings.Join(any, " or ")
}

func stringMatch(m release.StringMatch) string {
	switch {
	case m.Exact != nil:
		return "=" + quote(*m.Exact)
	case m.Prefix != nil:
		return " starting " + quote(*m.Prefix)
	case m.Regex != nil:
		return " matching " + quote(*m.Regex)
	}
	return ""
}

// quote writes a value as the spec has it, between quotes: a regex's
// backslashes are not doubled.
func quote(v string) string { return `"` + v + `"` }

// moveCell says what Kubernetes does between the stage before and s, and
// the bounds it holds.
func moveCell(s *stage.Stage) string {
	t := s.Transition
	if t == nil {
		return ""
	}
	if len(t.Moves) == 0 {
		return "nothing moves"
	}
	return Moves(t) + "; " + Bounds(t)
}

// Bounds says what t holds on the way: "≤5 pods, ≥3 ready", per node for
// a DaemonSet.
func Bounds(t *stage.Transition) string {
	b := fmt.Sprintf("≤%s, ≥%d ready", diag.Count(t.Peak, "pod"), t.Floor)
	if t.PerNode {
		b += " per node"
	}
	return b
}

// Moves says what Kubernetes does in t: "web-v1 3→2, create web-v2 ×1".
func Moves(t *stage.Transition) string {
	var parts []string
	for _, m := range t.Moves {
		switch m.Action {
		case stage.ActCreate:
			parts = append(parts, fmt.Sprintf("create %s ×%d", m.Workload, m.To))
		case stage.ActDelete:
			parts = append(parts, "delete "+m.Workload)
			if m.From > 0 {
				parts[len(parts)-1] += fmt.Sprintf(" ×%d", m.From)
			}
		case stage.ActScale:
			parts = append(parts, fmt.Sprintf("%s %d→%d", m.Workload, m.From, m.To))
		case stage.ActRoll:
			parts = append(parts, fmt.Sprintf("roll %s to a new template", m.Workload))
		case stage.ActReplace:
			parts = append(parts, "replace "+strings.Join(m.Replaced, ","))
		case stage.ActDeleteByHand:
			pods := m.Workload + "'s pods"
			if len(m.Replaced) > 0 {
				pods = strings.Join(m.Replaced, ",")
			}
			parts = append(parts, fmt.Sprintf("no pod replaced: %s run %s until each is deleted by hand (OnDelete), then %s", pods, m.Was, m.Version))
		}
	}
	if len(parts) == 0 {
		return "no pod moves"
	}
	return strings.Join(parts, ", ")
}

// rolloutNote says, for a release without a candidate, what a new pod
// template of its one workload does: the bounds of its next rollout; for
// a StatefulSet whose candidate pods a rollback cannot replace alone,
// what it needs (stage.ForcedRollback).
func rolloutNote(p *stage.Plan) string {
	if len(p.Stages) == 0 {
		return ""
	}
	s := p.Stages[0]
	if note := stage.ForcedRollback(s.Release); note != "" {
		return note
	}
	if len(s.Rollouts) != 1 || s.Release.Candidate != nil {
		return ""
	}
	ro := s.Rollouts[0]
	switch {
	case ro.PerNode && ro.MaxUnavailable != "":
		return fmt.Sprintf("a new pod template rolls node by node: maxSurge %s, maxUnavailable %s", ro.MaxSurge, ro.MaxUnavailable)
	case ro.PerNode, ro.Strategy == "OnDelete":
		return "a new pod template reaches each pod when it is deleted"
	case ro.Kind == release.WorkloadStatefulSet && ro.ResolvedUnavailable != nil:
		return fmt.Sprintf("a new pod template replaces %s at a time, highest ordinal first, ≥%d ready (maxUnavailable %s)", diag.Count(*ro.ResolvedUnavailable, "pod"), ro.Floor, resolved(ro.MaxUnavailable, ro.ResolvedUnavailable))
	case ro.Strategy == "Recreate":
		return fmt.Sprintf("a new pod template stops all %d pods first: none ready until the new ones are", ro.Replicas)
	}
	return fmt.Sprintf("a new pod template rolls with ≤%s, ≥%d ready (maxSurge %s, maxUnavailable %s)", diag.Count(ro.Peak, "pod"), ro.Floor, resolved(ro.MaxSurge, ro.ResolvedSurge), resolved(ro.MaxUnavailable, ro.ResolvedUnavailable))
}

// resolved is a rolling update's bound as written, and a percentage's
// pods: "25% = 1".
func resolved(written string, n *int32) string {
	if strings.HasSuffix(written, "%") && n != nil {
		return fmt.Sprintf("%s = %d", written, *n)
	}
	return written
}

// routeNames are the routes the plan's stages name, in order of first
// appearance: one column each.
func routeNames(p *stage.Plan) []string {
	var names []string
	for _, s := range p.Stages {
		for _, r := range s.Routes {
			if !slices.Contains(names, r.Object) {
				names = append(names, r.Object)
			}
		}
	}
	return names
}

// routeHeading is a route's column heading: its object, and the external
// host it serves too.
func routeHeading(p *stage.Plan, name string) string {
	for _, s := range p.Stages {
		for _, r := range s.Routes {
			if r.Object == name && len(r.Hosts) > 0 {
				return name + " (+ " + strings.Join(r.Hosts, ", ") + ")"
			}
		}
	}
	return name
}

// routeOf is the cell of route name at s, "" when s has no such route.
func routeOf(s *stage.Stage, name string) string {
	for _, r := range s.Routes {
		if r.Object == name {
			return RouteText(r)
		}
	}
	return "—"
}
