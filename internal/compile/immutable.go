package compile

import (
	"fmt"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/immutable"
	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/release"
)

// immutableFields are the spec fields behind each field Kubernetes keeps
// as an object was created; the selector follows the strategy family and
// the workload kind.
var immutableFields = map[string]fieldpath.Path{
	"spec.volumeClaimTemplates": fieldpath.StatefulSet.VolumeClaimTemplates.Path,
	"spec.podManagementPolicy":  fieldpath.StatefulSet.PodManagementPolicy,
	"spec.serviceName":          fieldpath.StatefulSet.ServiceName,
	"spec.selector":             fieldpath.Strategy.Path,
}

// immutableChanges returns, as errors at the spec's fields, the changes
// r's output (next) makes to the objects of prev (the file previously
// generated for it, named file) that Kubernetes refuses to make to an
// existing object: applying them would fail.
func immutableChanges(r *Release, prev, next *immutable.Output, file string) diag.List {
	var list diag.List
	for _, ch := range immutable.Changes(prev, next) {
		if ch.Field == immutable.KindField {
			claims := ""
			if ch.Was == release.WorkloadStatefulSet {
				claims = ", and its claims stay behind"
			}
			list = append(list, &diag.Diagnostic{
				Pos:   r.Spec.Pos(fieldpath.Workload),
				Field: fieldpath.Workload.String(),
				Text: fmt.Sprintf("replaces %s %s (%s) by a %s: pruning the %s stops all its pods at once%s (allowed: a %s as before; to switch on purpose, delete %s %s and its file first)",
					ch.Was, ch.Name, file, ch.Kind, ch.Was, claims, ch.Was, ch.Was, ch.Name),
			})
			continue
		}
		if ch.Field == immutable.LoadBalancerClass {
			was := "none"
			if ch.Was != "" {
				was = ch.Was
			}
			at := fieldpath.Service.Spec.Below("loadBalancerClass")
			list = append(list, &diag.Diagnostic{
				Pos:   r.Spec.Pos(at),
				Field: at.String(),
				Text: fmt.Sprintf("changes the load balancer class of Service %s (%s was generated with %s), which Kubernetes keeps while the Service is a LoadBalancer, so applying it would fail (allowed: the class as it was; to change it, delete the Service and %s)",
					ch.Name, file, was, file),
			})
			continue
		}
		at, ok := immutableFields[ch.Field]
		if !ok {
			at = fieldpath.Root
		}
		asWas := ch.Field + " as it was"
		if ch.Field == "spec.serviceName" && ch.Was != "" {
			asWas = fmt.Sprintf("statefulSet.serviceName: %s, the name its pods' DNS names end in", inert.Line(ch.Was))
		}
		list = append(list, &diag.Diagnostic{
			Pos:   r.Spec.Pos(at),
			Field: at.String(),
			Text: fmt.Sprintf("changes %s of %s %s, which Kubernetes keeps as the %s was created (%s was generated with other ones), so applying it would fail (allowed: %s; to change it, delete the %s with `kubectl delete --cascade=orphan` so that its pods stay, and delete %s)",
				ch.Field, ch.Kind, ch.Name, ch.Kind, file, asWas, ch.Kind, file),
		})
	}
	return list
}
