package compile

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/load"
)

// budget checks that the PodDisruptionBudget lets each workload lose a
// pod: one that never allows an eviction blocks node drains forever.
// Pods are counted as the plan counts them (with an autoscaler, at its
// minReplicas), the way Kubernetes' disruption controller reads a
// budget: both percentages round up.
func budget(s *load.Spec, p *gen.Plan) diag.List {
	r := s.Release
	b, at := r.PodDisruptionBudget, fieldpath.PodDisruptionBudget
	if b == nil || p == nil {
		return nil
	}
	counted := ""
	if r.Autoscaler != nil {
		counted = " (at autoscaler.minReplicas)"
	}
	var list diag.List
	fail := func(f fieldpath.Path, format string, args ...any) {
		list = append(list, &diag.Diagnostic{Pos: s.Pos(f), Field: f.String(), Text: fmt.Sprintf(format, args...)})
	}
	for _, w := range p.Workloads {
		pods := int(w.Replicas)
		if pods == 0 {
			continue // nothing to evict
		}
		if v := b.MinAvailable; v != nil {
			if n, err := intstr.GetScaledValueFromIntOrPercent(v, pods, true); err == nil && n >= pods {
				allowed := fmt.Sprintf("fewer than %d, or maxUnavailable", pods)
				if pods == 1 {
					allowed = "maxUnavailable, or more pods"
				}
				fail(at.MinAvailable, "%s%s keeps all %s of %s %s%s available, so none can ever be evicted and node drains block (allowed: %s)", showIntOrPercent(v), rounded(v, n, pods), diag.Count(pods, "pod"), r.WorkloadKind(), w.Name, counted, allowed)
			}
		}
		if v := b.MaxUnavailable; v != nil {
			if n, err := intstr.GetScaledValueFromIntOrPercent(v, pods, true); err == nil && n == 0 {
				fail(at.MaxUnavailable, "%s lets none of the %s of %s %s%s be evicted, so node drains block (allowed: 1 or more, or a percentage above 0%%)", showIntOrPercent(v), diag.Count(pods, "pod"), r.WorkloadKind(), w.Name, counted)
			}
		}
	}
	return list
}

// showIntOrPercent writes a count as a number and a percentage quoted.
func showIntOrPercent(v *intstr.IntOrString) string {
	if v.Type == intstr.String {
		return fmt.Sprintf("%q", v.StrVal)
	}
	return v.String()
}

// rounded says what a percentage of pods came to, "" for a count.
func rounded(v *intstr.IntOrString, n, pods int) string {
	if v.Type != intstr.String {
		return ""
	}
	return fmt.Sprintf(" (%d of %d, rounded up)", n, pods)
}
