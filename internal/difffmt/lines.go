package difffmt

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/planfmt"
	"github.com/rollspec/rollspec/internal/specdiff"
	"github.com/rollspec/rollspec/internal/stage"
)

// Marks in a line, which text drops: code marks the ends of a part of
// the line Markdown writes as a code span; value, the ends of a name or
// a value from the specs (v), which Markdown writes as text or, when it
// could be markup, as a code span (inert.Text). Every name and value is
// escaped as it is put in a line, so that none holds a mark.
const (
	code  = "\x1f"
	value = "\x1e"
)

// v is a name or a value from the specs as a line holds it: its
// characters that do not show escaped (inert.Line), between value marks.
func v(s string) string { return value + inert.Line(s) + value }

// maxFields is how many changed fields of one object are listed; the
// rest are counted.
const maxFields = 8

// maxValue is the longest value written whole; a longer one is shortened
// to its start and its length.
const maxValue = 48

// section is one part of a release's diff: its objects, its pods, its
// traffic.
type section struct {
	name  string // "objects", "pods", "traffic"
	note  string // said beside the name: "no pod restarts"
	lines []line
}

// line is one thing that changes, and its details.
type line struct {
	text    string
	details []string
}

// sections are what changes in r, in the order both formats write them.
func sections(r *specdiff.Release) []section {
	return []section{objects(r), pods(r), traffic(r)}
}

// title names r and how it changes.
func title(r *specdiff.Release) string {
	return fmt.Sprintf("%s%s/%s%s: %s", code, v(r.Namespace), v(r.Name), code, r.Status)
}

// marks say how an object changes, as a diff marks lines.
var marks = map[string]string{
	specdiff.Created:  "+",
	specdiff.Deleted:  "-",
	specdiff.Changed:  "~",
	specdiff.Replaced: "~",
}

func objects(r *specdiff.Release) section {
	s := section{name: "objects"}
	for _, o := range r.Objects {
		l := line{text: fmt.Sprintf("%s %s %s%s%s", marks[o.Change], v(o.Kind), code, v(o.Name), code)}
		if o.Change == specdiff.Replaced {
			l.text = fmt.Sprintf("%s %s %s%s%s → %s%s%s (config of %s", marks[o.Change], v(o.Kind), code, v(o.Was), code, code, v(o.Name), code, served(o.Config.New))
			if len(o.Config.Stays) > 0 {
				l.text += fmt.Sprintf("; %s%s%s stays for %s", code, v(o.Was), code, served(o.Config.Stays))
			}
			l.text += ")"
			for _, k := range o.Config.Keys {
				l.details = append(l.details, keyLines(k)...)
			}
		}
		for i, f := range o.Fields {
			if i == maxFields {
				l.details = append(l.details, fmt.Sprintf("… %d more fields", len(o.Fields)-maxFields))
				break
			}
			l.details = append(l.details, code+fieldText(f)+code)
		}
		s.lines = append(s.lines, l)
	}
	return s
}

// served lists the versions a ConfigMap serves: "stable v1, candidate v2".
func served(ss []specdiff.Served) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, v(s.Role)+" "+v(s.Version))
	}
	return strings.Join(parts, ", ")
}

// maxLines is how many changed lines of one config value are listed;
// the rest are counted.
const maxLines = 3

// keyLines are a config key's change, each a code span: "+ KEY=value",
// "- KEY=old", "~ KEY: old → new"; a value of several lines (a config
// file) a line per line that changes, "~ KEY: line 3: old → new".
func keyLines(k specdiff.Key) []string {
	if len(k.Lines) == 0 {
		return []string{code + keyText(k) + code}
	}
	var out []string
	for i, l := range k.Lines {
		if i == maxLines {
			out = append(out, fmt.Sprintf("%s%s %s:%s and %d more changed lines", code, k.Change, v(k.Name), code, len(k.Lines)-maxLines))
			break
		}
		var text string
		switch {
		case l.Old == 0:
			text = fmt.Sprintf("line %d added: %s", l.New, short(l.NewText))
		case l.New == 0:
			text = fmt.Sprintf("line %d removed: %s", l.Old, short(l.OldText))
		case l.Old == l.New:
			text = fmt.Sprintf("line %d: %s → %s", l.New, short(l.OldText), short(l.NewText))
		default:
			text = fmt.Sprintf("line %d (was %d): %s → %s", l.New, l.Old, short(l.OldText), short(l.NewText))
		}
		out = append(out, code+k.Change+" "+v(k.Name)+": "+text+code)
	}
	return out
}

// keyText is a config key's change on one line: "+ KEY=value",
// "- KEY=old", "~ KEY: old → new".
func keyText(k specdiff.Key) string {
	name := v(k.Name)
	switch k.Change {
	case specdiff.KeyAdded:
		return k.Change + " " + name + "=" + short(k.New)
	case specdiff.KeyRemoved:
		return k.Change + " " + name + "=" + short(k.Old)
	}
	return k.Change + " " + name + ": " + short(k.Old) + " → " + short(k.New)
}

// fieldText is a field's change: "spec.replicas: 3 → 2", "(none)" for
// the side without it.
func fieldText(f specdiff.Field) string {
	old, next := short(f.Old), short(f.New)
	if f.OldAbsent {
		old = "(none)"
	}
	if f.NewAbsent {
		next = "(none)"
	}
	return v(f.Path) + ": " + old + " → " + next
}

// short is value on one line, escaped (v), shortened to its start and
// its length when long or on several lines.
func short(value string) string {
	first, _, multi := strings.Cut(value, "\n")
	r := []rune(first)
	if !multi && len(r) <= maxValue {
		return v(value)
	}
	if len(r) > maxValue {
		r = r[:maxValue]
	}
	return fmt.Sprintf("%s… (%d bytes)", v(string(r)), len(value))
}

func pods(r *specdiff.Release) section {
	s := section{name: "pods", note: "no pod restarts"}
	if r.Restarts() {
		s.note = "pods restart"
	}
	stop, start := r.Replacement()
	switch {
	case r.Status != specdiff.StatusChanged:
		s.note = "" // all of them start, or stop
	case len(r.Workloads) == 0:
		s.note = "unchanged, no pod restarts"
	case stop != nil && r.Restarts():
		s.note = "pods restart; " + replacement(stop, start)
	case stop != nil:
		s.note = replacement(stop, start)
	}
	for _, w := range r.Workloads {
		l := line{text: fmt.Sprintf("%s %s%s%s: %s", v(w.Kind), code, v(w.Name), code, move(w))}
		if a := w.Apart; a != nil {
			l.details = append(l.details, fmt.Sprintf("its pod template differs from %s%s%s's beyond the image: %s", code, v(a.Stable), code, v(a.Differs)))
		}
		s.lines = append(s.lines, l)
	}
	return s
}

// replacement says that the pods of the workloads stop stop while those
// of start start, and how to avoid the interruption, as build -o warns
// of a strategy switch.
func replacement(stop, start []specdiff.Workload) string {
	return fmt.Sprintf("replaced: %s stop while %s start — apply without pruning, wait until %skubectl rollout status%s succeeds for %s, then apply with pruning, to avoid an interruption",
		whose(stop), whose(start), code, code, names(start))
}

// whose names workloads and their pods: "Deployment web's 4 pods",
// "Deployment web-v1's 3 pods and Deployment web-v2's 1 pod".
func whose(ws []specdiff.Workload) string {
	var parts []string
	for _, w := range ws {
		parts = append(parts, fmt.Sprintf("%s %s%s%s's %s", v(w.Kind), code, v(w.Name), code, podCount(max(w.From, w.To), w.PerNode)))
	}
	return strings.Join(parts, " and ")
}

// names are workloads' names: "web-v1 and web-v2".
func names(ws []specdiff.Workload) string {
	var parts []string
	for _, w := range ws {
		parts = append(parts, code+v(w.Name)+code)
	}
	return strings.Join(parts, " and ")
}

// move says what happens to a workload's pods.
func move(w specdiff.Workload) string {
	switch w.Action {
	case stage.ActCreate:
		return "new, " + agree(w.To, w.PerNode, "start")
	case stage.ActDelete:
		return "deleted, " + agree(w.From, w.PerNode, "stop")
	case stage.ActScale:
		return fmt.Sprintf("%d → %d pods", w.From, w.To)
	case stage.ActReplace:
		return fmt.Sprintf("partition moved: %s (%s, one at a time, highest ordinal first)", agree(w.Restarted, false, "restart"), v(strings.Join(w.Replaced, ", ")))
	}
	text := "pod template changed: "
	ro := w.Rollout
	switch {
	case w.OnDelete:
		text += "each pod takes it when deleted"
	case w.PerNode:
		text += "the pod on every node restarts"
	case w.From != w.To && w.Restarted == w.To:
		text += fmt.Sprintf("its %s replaced by %d", podCount(w.From, false), w.To)
	default:
		text += agree(w.Restarted, false, "restart")
	}
	switch {
	case ro == nil, w.OnDelete:
	case ro.Strategy == string(appsv1.RecreateDeploymentStrategyType):
		text += " (Recreate: every pod stops first)"
	case ro.PerNode:
		text += fmt.Sprintf(" (%s: node by node, maxSurge %s, maxUnavailable %s)", v(ro.Strategy), v(ro.MaxSurge), v(ro.MaxUnavailable))
	default:
		text += fmt.Sprintf(" (%s: ≤%d pods, ≥%d ready)", v(ro.Strategy), ro.Peak, ro.Floor)
	}
	return text
}

// agree says that n pods (a pod on every node) do what verb says.
func agree(n int32, perNode bool, verb string) string {
	if n == 1 || perNode {
		verb += "s"
	}
	return podCount(n, perNode) + " " + verb
}

// podCount says how many pods: "3 pods", "1 pod", "a pod on every node".
func podCount(n int32, perNode bool) string {
	switch {
	case perNode:
		return "a pod on every node"
	case n == 1:
		return "1 pod"
	}
	return fmt.Sprintf("%d pods", n)
}

func traffic(r *specdiff.Release) section {
	s := section{name: "traffic"}
	if len(r.Routes) == 0 {
		s.note = "unchanged"
	}
	for _, rt := range r.Routes {
		s.lines = append(s.lines, line{text: fmt.Sprintf("%s: %s → %s", v(rt.Object), routeText(rt.Old), routeText(rt.New))})
	}
	return s
}

// routeText is how a route shares requests, "(none)" where it does not
// exist.
func routeText(r *stage.Route) string {
	if r == nil {
		return "(none)"
	}
	return v(planfmt.RouteText(*r))
}

// summary counts the releases by how they change.
func summary(d *specdiff.Diff) string {
	n := map[string]int{}
	for _, r := range d.Releases {
		n[r.Status]++
	}
	return fmt.Sprintf("%d changed, %d new, %d removed, %d unchanged", n[specdiff.StatusChanged], n[specdiff.StatusNew], n[specdiff.StatusRemoved], d.Unchanged)
}
