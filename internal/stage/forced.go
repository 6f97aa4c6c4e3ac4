package stage

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/rollspec/rollspec/release"
)

// ForcedRollback says what rolling r back needs beyond applying it, ""
// when nothing: a partitioned StatefulSet whose pods from the partition
// up run the candidate, with podManagementPolicy OrderedReady. Its
// controller replaces no pod while one it made is not Ready, so a
// candidate pod that never became Ready (a crash loop, a failing probe)
// holds back the rollback too, until someone deletes it; Kubernetes
// calls this a forced rollback. Parallel deletes such a pod itself.
func ForcedRollback(r *release.Release) string {
	p := r.Strategy.Partitioned
	if r.WorkloadKind() != release.WorkloadStatefulSet || p == nil || r.Candidate == nil {
		return ""
	}
	if st := r.StatefulSet; st != nil && st.PodManagementPolicy == string(appsv1.ParallelPodManagement) {
		return ""
	}
	var pods []string
	for i := r.Replicas - 1; i >= r.Replicas-min(p.Updated(), r.Replicas); i-- {
		pods = append(pods, r.Name+"-"+strconv.Itoa(int(i)))
	}
	if len(pods) == 0 {
		return "" // step 0: no pod runs the candidate
	}
	return fmt.Sprintf("rollback: with podManagementPolicy OrderedReady the StatefulSet controller replaces no pod while one it made is not Ready, so a candidate pod (%s) that never became Ready holds back the rollback too: after applying it, delete each such pod by hand (kubectl delete pod -n %s %s) and it comes back on %s (Kubernetes' forced rollback)",
		strings.Join(pods, ", "), r.Namespace, strings.Join(pods, " "), r.Stable.Version)
}
