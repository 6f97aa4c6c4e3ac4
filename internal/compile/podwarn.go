package compile

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

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
	return perPod(s, objs, func(role string, t *corev1.PodTemplateSpec) (list diag.List) {
		for _, w := range podwarn.Template(templatePath, &t.ObjectMeta, &t.Spec) {
			at := podcheck.Where(s.Release, role, &t.Spec, w.At)
			text := fmt.Sprintf("the API server warns: %s (allowed: %s)", w.Text, w.Fix)
			list = append(list, &diag.Diagnostic{Severity: diag.Warning, Pos: s.Pos(at), Field: at.String(), Text: text})
		}
		return list
	})
}
