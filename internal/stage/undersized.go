package stage

import (
	"fmt"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// undersized warns when s sends every request of a route to an autoscaled
// candidate that starts at the release's autoscaler minimum: stable,
// which took the load until then, may have scaled out to maxReplicas, and
// the candidate takes that load at its minimum until its own autoscaler
// catches up. The candidate's own autoscaler.minReplicas sizes it for
// the stage and silences it.
func undersized(s *Stage) *diag.Diagnostic {
	r := s.Release
	if r.Candidate == nil || r.Autoscaler == nil || r.Candidate.Autoscaler != nil || r.Autoscaler.MinReplicas >= r.Autoscaler.MaxReplicas || !release.TwoVersion(r.Strategy.Kind()) {
		return nil
	}
	for _, rt := range s.Routes {
		if rt.Preview || len(rt.Match) > 0 {
			continue
		}
		for _, sh := range rt.Shares {
			if sh.Role == release.RoleCandidate && sh.Percent == 100 {
				return warn(fieldpath.Candidate.MinReplicas, fmt.Sprintf("%s sends every request to %s, which its autoscaler starts at minReplicas %d while %s may have scaled out to up to %d pods: %s takes that load at %d pods until its autoscaler catches up (allowed: candidate.autoscaler.minReplicas, what %s runs before this stage)",
					s.Name, r.Candidate.Version, r.Autoscaler.MinReplicas, r.Stable.Version, r.Autoscaler.MaxReplicas, r.Candidate.Version, r.Autoscaler.MinReplicas, r.Stable.Version))
			}
		}
	}
	return nil
}
