package e2e

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/release"
)

// dbStatefulSet is the compiled release db in ns, a StatefulSet with its
// Services: two replicas of example/db:<version> (labelled version), its
// pods at the restricted Pod Security level, a 1Gi claim template "data"
// of storage class, stable and (unless "") candidate, updated by strategy
// (rollspec's, YAML flow style).
func dbStatefulSet(t *testing.T, ns, class, stable, candidate, strategy string) []byte {
	t.Helper()
	return dbRelease(t, ns, class, stable, candidate, strategy).YAML
}

// dbRelease is dbStatefulSet's release, compiled.
func dbRelease(t *testing.T, ns, class, stable, candidate, strategy string) *compile.Release {
	t.Helper()
	spec := fmt.Sprintf(`name: db
namespace: %s
image: example/db
workload: StatefulSet
replicas: 2
ports: [{name: tcp-pg, containerPort: 5432}]
runAsUser: 1000
container:
  volumeMounts: [{name: data, mountPath: /var/lib/db}]
statefulSet:
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], storageClassName: %s, resources: {requests: {storage: 1Gi}}}
stable: {version: %q, tag: %q}
strategy: %s
`, ns, class, stable, stable, strategy)
	if candidate != "" {
		spec += fmt.Sprintf("candidate: {version: %q, tag: %q}\n", candidate, candidate)
	}
	return compileSpec(t, spec)
}

// asPlanned checks that each pod runs the version `rollspec plan` says
// it runs now in r.
func asPlanned(t *testing.T, what string, r *compile.Release, ps map[int]ordinalPod) {
	t.Helper()
	p, err := stage.Of(r.Spec.Release, nil)
	if err != nil {
		t.Fatal(err)
	}
	planned := 0
	for _, pods := range p.Stages[0].Pods {
		for _, name := range pods.Ordinals {
			planned++
			i, _ := strconv.Atoi(name[strings.LastIndexByte(name, '-')+1:])
			if got, ok := ps[i]; !ok || got.Name != name || got.Version != pods.Version {
				t.Errorf("%s: the plan runs %s on %s; the cluster: %s", what, pods.Version, name, describeOrdinals(ps))
			}
		}
	}
	if planned != len(ps) {
		t.Errorf("%s: the plan names %d pods; the cluster runs %s", what, planned, describeOrdinals(ps))
	}
}

// dbClaims are the claims db's two pods get from its claim template.
var dbClaims = []string{"data-db-0", "data-db-1"}

// runs returns "" when ps[i] exists, is Ready and not being deleted, runs
// example/db:<version> with that version label and was made from
// revision; else what differs.
func runs(ps map[int]ordinalPod, i int, version, revision string) string {
	p, ok := ps[i]
	switch {
	case !ok:
		return fmt.Sprintf("no pod of ordinal %d", i)
	case !p.Ready || p.Terminating:
		return fmt.Sprintf("%s not ready", p.Name)
	case p.Version != version || p.Image != "example/db:"+version:
		return fmt.Sprintf("%s runs %s (version %s), want %s", p.Name, p.Image, p.Version, version)
	case p.Revision != revision:
		return fmt.Sprintf("%s is of revision %s, want %s", p.Name, p.Revision, revision)
	}
	return ""
}

// settledAt returns a condition for waitStatefulSet: the controller's
// current and update revisions are the same, and exactly n pods exist,
// all of it and running version.
func settledAt(n int, version string) func(*appsv1.StatefulSet, map[int]ordinalPod) string {
	return func(s *appsv1.StatefulSet, ps map[int]ordinalPod) string {
		if s.Status.CurrentRevision != s.Status.UpdateRevision || s.Status.UpdatedReplicas != int32(n) || s.Status.ReadyReplicas != int32(n) {
			return fmt.Sprintf("status: %d updated, %d ready, want %d of one revision", s.Status.UpdatedReplicas, s.Status.ReadyReplicas, n)
		}
		if len(ps) != n {
			return fmt.Sprintf("%d pods, want %d", len(ps), n)
		}
		for i := range n {
			if msg := runs(ps, i, version, s.Status.UpdateRevision); msg != "" {
				return msg
			}
		}
		return ""
	}
}

// sameClaims checks that the claims of ns are still those of before: same
// UIDs, bound to the same volumes.
func sameClaims(t *testing.T, what, ns, class string, before map[string]claim) {
	t.Helper()
	after := waitClaimsBound(t, ns, class, slices.Sorted(maps.Keys(before))...)
	if !maps.Equal(before, after) {
		t.Errorf("%s: claims changed:\nbefore %v\nafter  %v", what, before, after)
	}
}

// TestStatefulSetPartition moves the compiled StatefulSet db from stable
// v1 to candidate v2 step by step (partitioned, steps [1, 2]): the claims
// its template asks for bind to the volumes provided; step 0 makes a new
// revision and replaces no pod; step 1 replaces only db-1, db-0 keeps its
// pod (same UID) and v1, and `kubectl rollout status` reports 1 pod
// updated; step 2 replaces db-0 too. Promoting v2 to stable keeps the
// revision and every pod. Every pod keeps its claim throughout.
func TestStatefulSetPartition(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns = "sts-partition"
	namespace(t, ns, release.PodSecurityRestricted)
	class := localStorage(t, ns, len(dbClaims), "1Gi")
	partitioned := func(stable, candidate string, step int) []byte {
		return dbStatefulSet(t, ns, class, stable, candidate, fmt.Sprintf("{partitioned: {steps: [1, 2], step: %d}}", step))
	}
	planned := func(stable, candidate string, step int) *compile.Release {
		return dbRelease(t, ns, class, stable, candidate, fmt.Sprintf("{partitioned: {steps: [1, 2], step: %d}}", step))
	}

	apply(t, partitioned("v1", "", 1))
	s, v1 := waitStatefulSet(t, ns, "db", settledAt(2, "v1"))
	rev1 := s.Status.UpdateRevision
	bound := waitClaimsBound(t, ns, class, dbClaims...)
	kubectl(t, nil, "rollout", "status", "-n", ns, "statefulset/db", "--timeout=120s")

	// Candidate v2 at step 0: the template changes, no pod is replaced.
	apply(t, partitioned("v1", "v2", 0))
	s, held := waitStatefulSet(t, ns, "db", pastRevision(rev1))
	if s.Status.UpdatedReplicas != 0 {
		t.Errorf("step 0: %d pods updated, want 0", s.Status.UpdatedReplicas)
	}
	for i := range 2 {
		if held[i].UID != v1[i].UID {
			t.Errorf("step 0: db-%d was replaced (uid %s → %s)", i, v1[i].UID, held[i].UID)
		}
	}

	// Step 1: db-1 only, as the plan says.
	step1 := planned("v1", "v2", 1)
	apply(t, step1.YAML)
	s, part := waitStatefulSet(t, ns, "db", func(s *appsv1.StatefulSet, ps map[int]ordinalPod) string {
		if msg := pastRevision(rev1)(s, ps); msg != "" {
			return msg
		}
		if s.Status.UpdatedReplicas != 1 {
			return fmt.Sprintf("%d updated replicas, want 1", s.Status.UpdatedReplicas)
		}
		if len(ps) != 2 {
			return fmt.Sprintf("%d pods, want 2", len(ps))
		}
		return firstOf(runs(ps, 1, "v2", s.Status.UpdateRevision), runs(ps, 0, "v1", rev1))
	})
	rev2 := s.Status.UpdateRevision
	if s.Status.CurrentRevision != rev1 {
		t.Errorf("partitioned: current revision %s, want v1's %s", s.Status.CurrentRevision, rev1)
	}
	if part[0].UID != v1[0].UID {
		t.Errorf("partitioned: db-0 was replaced (uid %s → %s)", v1[0].UID, part[0].UID)
	}
	if part[1].UID == v1[1].UID {
		t.Errorf("partitioned: db-1 runs v2 in its v1 pod %s", part[1].UID)
	}
	asPlanned(t, "step 1", step1, part)
	rolledOut(t, ns, 1)
	sameClaims(t, "partitioned", ns, class, bound)

	// Step 2, the last: db-0 too.
	step2 := planned("v1", "v2", 2)
	apply(t, step2.YAML)
	s, all := waitStatefulSet(t, ns, "db", settledAt(2, "v2"))
	asPlanned(t, "step 2", step2, all)
	if s.Status.UpdateRevision != rev2 {
		t.Errorf("partition 0: update revision %s, want %s: lowering the partition made a revision", s.Status.UpdateRevision, rev2)
	}
	if all[0].UID == part[0].UID {
		t.Errorf("partition 0: db-0 runs v2 in its v1 pod %s", all[0].UID)
	}
	if all[1].UID != part[1].UID {
		t.Errorf("partition 0: db-1, already v2, was replaced (uid %s → %s)", part[1].UID, all[1].UID)
	}
	rolledOut(t, ns, 2)
	sameClaims(t, "partition 0", ns, class, bound)

	// Promoted: v2 is stable, the candidate gone. The template is the
	// same, so the StatefulSet keeps its revision and no pod restarts.
	apply(t, partitioned("v2", "", 1))
	s = statefulSet(t, ns, "db")
	eventually(t, timeoutRollout, func() string {
		if s = statefulSet(t, ns, "db"); s.Status.ObservedGeneration < s.Generation {
			return "the controller has not seen the promotion"
		}
		return ""
	})
	if s.Status.UpdateRevision != rev2 {
		t.Errorf("promoted: update revision %s, want v2's %s: the pod template changed", s.Status.UpdateRevision, rev2)
	}
	if promoted := statefulSetPods(t, ns, "db"); promoted[0].UID != all[0].UID || promoted[1].UID != all[1].UID {
		t.Errorf("promoted: pods replaced: %s, were %s", describeOrdinals(promoted), describeOrdinals(all))
	}
	t.Logf("v1 %s, step 0 %s, step 1 %s, step 2 %s", describeOrdinals(v1), describeOrdinals(held), describeOrdinals(part), describeOrdinals(all))
}

// rolledOut runs `kubectl rollout status` on StatefulSet db in ns and
// checks that it reports n pods updated. kubectl calls every rolling
// update "partitioned" once it is done: the API server sets a partition
// (0) when none is written, and kubectl words its message by whether one
// is set.
func rolledOut(t *testing.T, ns string, n int) {
	t.Helper()
	out, _ := kubectl(t, nil, "rollout", "status", "-n", ns, "statefulset/db", "--timeout=120s")
	if want := fmt.Sprintf("partitioned roll out complete: %d new pods have been updated", n); !strings.Contains(string(out), want) {
		t.Errorf("kubectl rollout status: %q, want %q", out, want)
	}
}

// TestStatefulSetOnDelete changes the template of StatefulSet db, whose
// update strategy is OnDelete: once the controller has seen the change
// (a new update revision in its status) no pod has been replaced; deleting
// db-0 replaces it, and it alone, with a pod of the new template.
func TestStatefulSetOnDelete(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns = "sts-ondelete"
	namespace(t, ns, release.PodSecurityRestricted)
	class := localStorage(t, ns, len(dbClaims), "1Gi")
	onDelete := func(candidate string) []byte { return dbStatefulSet(t, ns, class, "v1", candidate, "{onDelete: {}}") }

	apply(t, onDelete(""))
	s, v1 := waitStatefulSet(t, ns, "db", settledAt(2, "v1"))
	rev1 := s.Status.UpdateRevision
	bound := waitClaimsBound(t, ns, class, dbClaims...)

	// The controller records the new revision and replaces nothing.
	apply(t, onDelete("v2"))
	s, seen := waitStatefulSet(t, ns, "db", pastRevision(rev1))
	rev2 := s.Status.UpdateRevision
	if s.Status.CurrentRevision != rev1 || s.Status.UpdatedReplicas != 0 {
		t.Errorf("after the change: current revision %s and %d updated replicas, want v1's %s and 0", s.Status.CurrentRevision, s.Status.UpdatedReplicas, rev1)
	}
	for i := range 2 {
		if seen[i] != v1[i] {
			t.Errorf("after the change: db-%d is %v, was %v: OnDelete replaced or changed it", i, seen[i], v1[i])
		}
	}

	// Deleting db-0 brings it back from the new template; db-1 stays.
	kubectl(t, nil, "delete", "pod", "-n", ns, "db-0", "--timeout=60s")
	s, after := waitStatefulSet(t, ns, "db", func(s *appsv1.StatefulSet, ps map[int]ordinalPod) string {
		if len(ps) != 2 {
			return fmt.Sprintf("%d pods, want 2", len(ps))
		}
		if ps[0].UID == v1[0].UID {
			return "db-0 not replaced yet"
		}
		return firstOf(runs(ps, 0, "v2", rev2), runs(ps, 1, "v1", rev1))
	})
	if after[1].UID != v1[1].UID {
		t.Errorf("after deleting db-0: db-1 was replaced too (uid %s → %s)", v1[1].UID, after[1].UID)
	}
	eventually(t, timeoutRollout, func() string {
		s = statefulSet(t, ns, "db")
		if s.Status.UpdatedReplicas != 1 || s.Status.ReadyReplicas != 2 || s.Status.UpdateRevision != rev2 {
			return fmt.Sprintf("status: %d updated, %d ready, update revision %s; want 1, 2, %s", s.Status.UpdatedReplicas, s.Status.ReadyReplicas, s.Status.UpdateRevision, rev2)
		}
		return ""
	})
	sameClaims(t, "after deleting db-0", ns, class, bound)
	t.Logf("v1 %s, after the change %s, after deleting db-0 %s", describeOrdinals(v1), describeOrdinals(seen), describeOrdinals(after))
}

// pastRevision is a condition for waitStatefulSet: the controller has
// seen a template other than revision rev's.
func pastRevision(rev string) func(*appsv1.StatefulSet, map[int]ordinalPod) string {
	return func(s *appsv1.StatefulSet, _ map[int]ordinalPod) string {
		if s.Status.UpdateRevision == rev {
			return "update revision still " + rev
		}
		return ""
	}
}

// firstOf returns the first non-empty complaint.
func firstOf(msgs ...string) string {
	for _, m := range msgs {
		if m != "" {
			return m
		}
	}
	return ""
}
