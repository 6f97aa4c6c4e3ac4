package planfmt

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

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
		return "=" + strconv.Quote(*m.Exact)
	case m.Prefix != nil:
		return " starting " + strconv.Quote(*m.Prefix)
	case m.Regex != nil:
		return " matching " + strconv.Quote(*m.Regex)
	}
	return ""
}

// moveCell says what Kubernetes does between the stage before and s, and
// the bounds it holds; for the current state of a release that replaces
// its pods in place, the bounds of a new pod template.
func moveCell(s *stage.Stage) string {
	t := s.Transition
	if t == nil {
		return rolloutCell(s)
	}
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
			parts = append(parts, fmt.Sprintf("roll %s", m.Workload))
		case stage.ActReplace:
			parts = append(parts, fmt.Sprintf("replace %s", strings.Join(m.Replaced, ",")))
		}
	}
	if len(parts) == 0 {
		return "nothing moves"
	}
	return fmt.Sprintf("%s; ≤%d pods, ≥%d ready", strings.Join(parts, ", "), t.Peak, t.Floor)
}

// rolloutCell is the bounds of a new pod template for the now stage of a
// release with one workload running one version.
func rolloutCell(s *stage.Stage) string {
	if len(s.Rollouts) != 1 || s.Release.Candidate != nil {
		return ""
	}
	ro := s.Rollouts[0]
	switch {
	case ro.PerNode && ro.MaxUnavailable != "":
		return fmt.Sprintf("a new template rolls node by node: maxSurge %s, maxUnavailable %s", ro.MaxSurge, ro.MaxUnavailable)
	case ro.PerNode, ro.Strategy == "OnDelete":
		return "a new template: each pod takes it when deleted"
	case ro.Strategy == "Recreate":
		return fmt.Sprintf("a new template: all %d pods stop first; ≥0 ready", ro.Replicas)
	}
	return fmt.Sprintf("a new template rolls: ≤%d pods, ≥%d ready", ro.Peak, ro.Floor)
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

// routeOf is the cell of route name at s, "" when s has no such route.
func routeOf(s *stage.Stage, name string) string {
	for _, r := range s.Routes {
		if r.Object == name {
			return RouteText(r)
		}
	}
	return "—"
}
