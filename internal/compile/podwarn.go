package compile

import (
	"fmt"
	"slices"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/podcheck"
	"github.com/rollspec/rollspec/internal/podwarn"
)

// templatePath is where a workload (Deployment, StatefulSet, DaemonSet)
// holds its pod template: the API server's warnings name fields below it.
var templatePath = podwarn.Path{"spec", "template"}

// podWarnings are the warnings the API server would give about every
// compiled pod template (internal/podwarn), each at the spec field that
// causes it, in the API server's words: what rollspec writes applies with
// no warning unless the spec asks for one.
func podWarnings(s *load.Spec, objs []gen.Object) diag.List {
	var list diag.List
	for _, o := range objs {
		t := gen.PodTemplate(o)
		if t == nil {
			continue
		}
		role := roleOf(s, t.Labels)
		for _, w := range podwarn.Template(templatePath, &t.ObjectMeta, &t.Spec) {
			at := podcheck.Where(s.Release, role, &t.Spec, w.At)
			text := fmt.Sprintf("the API server warns: %s (allowed: %s)", w.Text, w.Fix)
			if !slices.ContainsFunc(list, func(e *diag.Diagnostic) bool { return e.Field == at.String() && e.Text == text }) {
				list = append(list, &diag.Diagnostic{Severity: diag.Warning, Pos: s.Pos(at), Field: at.String(), Text: text})
			}
		}
	}
	return list
}
