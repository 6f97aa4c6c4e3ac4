package stage

import (
	"fmt"
	"maps"

	"github.com/rollspec/rollspec/release"
)

// StillMounted says why promoting r would stop compiling a ConfigMap its
// running pods may still mount: with onDelete, the pods not deleted yet
// keep stable's template, and its config, until someone deletes them,
// while the promoted spec compiles the candidate's config alone (pruning
// would delete stable's, and such a pod restarted by its node could not
// start). "" when promoting keeps every such ConfigMap: a partitioned
// update's candidate has replaced every pod by its last step, and until
// then both versions' ConfigMaps are compiled.
func StillMounted(r *release.Release) string {
	if r.Strategy.OnDelete == nil || r.Candidate == nil {
		return ""
	}
	was, now := release.Merged(r.Config, r.Stable.Config), release.Merged(r.Config, r.Candidate.Config)
	if was == nil || maps.Equal(was, now) {
		return ""
	}
	return fmt.Sprintf("onDelete: the pods not deleted yet still run %s and mount its config, whose ConfigMap the promoted spec no longer compiles: pruning would delete it, and such a pod restarted by its node could not start (allowed: delete those pods first, so that every pod runs %s, then promote with --force)", r.Stable.Version, r.Candidate.Version)
}
