package load

import (
	"cuelang.org/go/cue"
	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/kubetype"
)

// passThrough are the fields the schema leaves open because they are
// Kubernetes' own types, compiled as written, and a value of the Go type
// each must fit. The schema cannot refuse a misspelt field there;
// passThroughFields does, where the user wrote it, rather than let it
// vanish from the objects. (The pod and container sections are checked
// with the release's other rules, in internal/podcheck.)
var passThrough = []struct {
	at   fieldpath.Kube
	like any
}{
	{fieldpath.Kube{Path: fieldpath.Autoscaler.Metrics}, []autoscalingv2.MetricSpec{}},
	{fieldpath.Kube{Path: fieldpath.Autoscaler.Behavior}, autoscalingv2.HorizontalPodAutoscalerBehavior{}},
}

// passThroughFields reports, in the unified release u, what the
// pass-through fields hold that their Kubernetes types do not: unknown
// fields and values of the wrong kind.
func (v *validator) passThroughFields(u cue.Value) {
	if !u.LookupPath(cue.MakePath(cue.Str(fieldpath.Autoscaler.String()))).Exists() {
		return // the only pass-through fields are the autoscaler's
	}
	for _, f := range passThrough {
		val := u.LookupPath(cue.ParsePath(f.at.String()))
		if !val.Exists() || val.Validate(cue.Concrete(true)) != nil {
			continue // absent, or the schema says what is wrong
		}
		raw, err := val.MarshalJSON()
		if err != nil {
			continue
		}
		for _, p := range kubetype.Check(raw, f.like) {
			v.add(cue.ParsePath(f.at.Below(p.Path).String()), "%s", p.Text)
		}
	}
}
