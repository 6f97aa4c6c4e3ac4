package stage

import (
	"encoding/json"

	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/immutable"
	"github.com/rollspec/rollspec/release"
)

// Apart is how the candidate's pod template differs from stable's beyond
// what tells the versions apart (the image, the version labels): what
// promoting changes in production's pods besides the version, such as
// stable's overrides a candidate started without.
type Apart struct {
	// Kind, Candidate and Stable name the two versions' workloads.
	Kind, Candidate, Stable string
	// Differs says how, as immutable.VersionDifference does.
	Differs string
}

// VersionsApart is how r's candidate's pod template differs from stable's
// in objs (r compiled) beyond the image, for the first workload kind each
// version runs a workload of its own of; nil without a candidate, when the
// versions share a workload (a partitioned update's) or differ in nothing
// else.
func VersionsApart(r *release.Release, objs []gen.Object) *Apart {
	if r.Candidate == nil || r.Candidate.Version == r.Stable.Version {
		return nil
	}
	byVersion := map[string]gen.Object{}
	for _, o := range objs {
		t := gen.PodTemplate(o)
		if t == nil {
			continue
		}
		v := t.Labels[release.LabelVersion]
		if _, ok := byVersion[v]; !ok {
			byVersion[v] = o
		}
	}
	c, s := byVersion[r.Candidate.Version], byVersion[r.Stable.Version]
	if c == nil || s == nil || c == s {
		return nil
	}
	differs := immutable.VersionDifference(jsonValue(gen.PodTemplate(s)), jsonValue(gen.PodTemplate(c)))
	if differs == "" {
		return nil
	}
	return &Apart{Kind: c.GetObjectKind().GroupVersionKind().Kind, Candidate: c.GetName(), Stable: s.GetName(), Differs: differs}
}

// jsonValue is v as its JSON decodes: maps, lists and scalars.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}
