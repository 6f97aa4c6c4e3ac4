package e2e

import (
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/istio"
	"github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/release"
)

// specHead is the part of every rollout test's spec that does not change
// between versions: name web in namespace ns, restricted pods.
func specHead(ns string, replicas int) string {
	return fmt.Sprintf(`name: web
namespace: %s
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: %d
readinessProbe: {http: {path: /healthz}}
runAsUser: 1000
`, ns, replicas)
}

// appSelector selects every pod of the release web.
const appSelector = release.LabelName + "=web"

// TestRamped rolls a Deployment from v1 to v2 and back with `kubectl
// rollout undo`, watching every pod and ReplicaSet state in between: the
// ReplicaSets never ask for more than replicas + maxSurge (rounded up),
// live pods exceed it only while a ReplicaSet's controller has yet to
// delete a pod its ReplicaSet no longer asks for, and ready pods never
// fall below replicas − maxUnavailable (rounded down). Both bounds are
// reached, and they are the peak and the floor `rollspec plan` gives.
func TestRamped(t *testing.T) {
	needCluster(t)
	for _, tc := range []struct {
		name                     string
		replicas                 int
		maxSurge, maxUnavailable string // as written in the spec
		// Bounds by Kubernetes' rounding, worked out by hand.
		maxPods, minReady int
	}{
		{name: "surge-only", replicas: 3, maxSurge: "1", maxUnavailable: "0", maxPods: 4, minReady: 3},
		{name: "percent-rounding", replicas: 5, maxSurge: `"30%"`, maxUnavailable: `"30%"`, maxPods: 7, minReady: 4},
		{name: "unavailable-only", replicas: 4, maxSurge: "0", maxUnavailable: `"50%"`, maxPods: 4, minReady: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ns := "ramped-" + tc.name
			namespace(t, ns, release.PodSecurityRestricted)
			spec := func(v string) *compile.Release {
				return compileSpec(t, specHead(ns, tc.replicas)+fmt.Sprintf(`minReadySeconds: 1
changeCause: "web %[1]s"
stable: {version: "%[1]s", tag: "%[1]s"}
strategy: {ramped: {maxSurge: %[2]s, maxUnavailable: %[3]s}}
`, v, tc.maxSurge, tc.maxUnavailable))
			}
			v1, v2 := spec("v1"), spec("v2")

			// rollspec plan's bounds for a new pod template are the ones
			// worked out above; the rollout below must reach both.
			p, err := stage.Of(v2.Spec.Release, nil)
			if err != nil {
				t.Fatal(err)
			}
			planned := p.Stages[0].Rollouts[0]
			if int(planned.Peak) != tc.maxPods || int(planned.Floor) != tc.minReady {
				t.Fatalf("plan: at most %d pods and at least %d ready, want %d and %d", planned.Peak, planned.Floor, tc.maxPods, tc.minReady)
			}

			w := watchPods(t, ns, appSelector)
			rs := watchReplicaSets(t, ns, appSelector)
			apply(t, v1.YAML)
			waitRollout(t, v1)
			w.waitFor(t, settled(tc.replicas, "v1"))

			// The Deployment controller keeps the pods its ReplicaSets
			// ask for within replicas + maxSurge; each ReplicaSet's own
			// controller then deletes and creates its pods on its own, so
			// a new pod may exist a moment before an old one is deleted.
			// That moment is where the ReplicaSets asked for no more than
			// the bound: a pod over it anywhere else is an error.
			bounded := func(what string, mark int) {
				t.Helper()
				snaps, err := w.since(mark)
				if err != nil {
					t.Fatal(err)
				}
				versions := w.versionsSince(mark)
				peakLive, lowReady, mixed, lagging := 0, tc.replicas, false, 0
				for i, ps := range snaps {
					live, ready, byVersion := counts(ps)
					peakLive, lowReady = max(peakLive, live), min(lowReady, ready)
					mixed = mixed || byVersion["v1"] > 0 && byVersion["v2"] > 0
					if live > tc.maxPods {
						asked, _, err := rs.wanted(versions[0], versions[i])
						if err != nil {
							t.Fatal(err)
						}
						if asked > tc.maxPods {
							t.Errorf("%s, state %d: %d live pods, more than %d, and the ReplicaSets ask for %d: %s", what, i, live, tc.maxPods, asked, describe(ps))
						} else {
							lagging++
						}
					}
					if ready < tc.minReady {
						t.Errorf("%s, state %d: %d ready pods, fewer than %d: %s", what, i, ready, tc.minReady, describe(ps))
					}
				}
				if len(snaps) > 0 {
					_, most, err := rs.wanted(versions[0], versions[len(versions)-1])
					if err != nil {
						t.Fatal(err)
					}
					if most != tc.maxPods {
						t.Errorf("%s: the ReplicaSets asked for %d pods at most, the plan's peak is %d", what, most, tc.maxPods)
					}
				}
				if len(snaps) > 0 {
					// Available is ready for minReadySeconds: the count the
					// floor bounds, and the rollout goes down to it.
					fewest, err := rs.fewestAvailable(versions[0])
					if err != nil {
						t.Fatal(err)
					}
					if fewest != tc.minReady {
						t.Errorf("%s: at least %d pods were available, the plan's floor is %d", what, fewest, tc.minReady)
					}
				}
				if !mixed {
					t.Errorf("%s: never saw v1 and v2 pods together in %d states; the watch missed the rollout", what, len(snaps))
				}
				t.Logf("%s: %d states, at most %d live pods (bound %d; %d states over it while a ReplicaSet's pods caught up with it), at least %d ready (bound %d)",
					what, len(snaps), peakLive, tc.maxPods, lagging, lowReady, tc.minReady)
			}

			mark := w.mark()
			apply(t, v2.YAML)
			waitRollout(t, v2)
			w.waitFor(t, settled(tc.replicas, "v2"))
			bounded("v1 → v2", mark)

			hist, _ := kubectl(t, nil, "rollout", "history", "-n", ns, "deployment/web")
			for _, want := range []string{"web v1", "web v2"} {
				if !strings.Contains(string(hist), want) {
					t.Errorf("rollout history does not show the change-cause %q:\n%s", want, hist)
				}
			}

			mark = w.mark()
			kubectl(t, nil, "rollout", "undo", "-n", ns, "deployment/web")
			kubectl(t, nil, "rollout", "status", "-n", ns, "deployment/web", "--timeout=120s")
			w.waitFor(t, settled(tc.replicas, "v1"))
			bounded("undo to v1", mark)
		})
	}
}

// TestRecreate rolls a recreate Deployment from v1 to v2: in no state
// seen by the watch do pods of both versions exist, terminating ones
// included.
func TestRecreate(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns = "recreate"
	namespace(t, ns, release.PodSecurityRestricted)
	spec := func(v string) *compile.Release {
		return compileSpec(t, specHead(ns, 3)+fmt.Sprintf(`stable: {version: "%[1]s", tag: "%[1]s"}
strategy: {recreate: {}}
`, v))
	}
	v1, v2 := spec("v1"), spec("v2")
	w := watchPods(t, ns, appSelector)
	apply(t, v1.YAML)
	waitRollout(t, v1)
	w.waitFor(t, settled(3, "v1"))

	mark := w.mark()
	apply(t, v2.YAML)
	waitRollout(t, v2)
	w.waitFor(t, settled(3, "v2"))
	snaps, err := w.since(mark)
	if err != nil {
		t.Fatal(err)
	}
	gap := false
	for i, ps := range snaps {
		_, _, byVersion := counts(ps)
		if byVersion["v1"] > 0 && byVersion["v2"] > 0 {
			t.Errorf("state %d: v1 and v2 pods exist together: %s", i, describe(ps))
		}
		gap = gap || len(ps) == 0
	}
	if !gap {
		t.Errorf("no state without pods among %d: the watch missed the recreate", len(snaps))
	}
	t.Logf("%d states observed", len(snaps))
}

// podIPsByVersion maps the IP of every pod of web in ns to its version.
func podIPsByVersion(t *testing.T, ns string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, p := range pods(t, ns, appSelector) {
		if p.Status.PodIP != "" && !p.terminating() {
			m[p.Status.PodIP] = p.version()
		}
	}
	return m
}

// endpointVersions returns the versions behind a Service's ready
// endpoints, counted.
func endpointVersions(t *testing.T, ns, svc string) map[string]int {
	t.Helper()
	ips := podIPsByVersion(t, ns)
	got := map[string]int{}
	for _, addr := range endpoints(t, ns, svc) {
		v, ok := ips[addr]
		if !ok {
			v = "unknown pod " + addr
		}
		got[v]++
	}
	return got
}

// expectEndpoints waits until each Service's ready endpoints are exactly
// the given number of pods per version.
func expectEndpoints(t *testing.T, ns string, want map[string]map[string]int) {
	t.Helper()
	for _, svc := range sortedKeys(want) {
		eventually(t, timeoutEndpoints, func() string {
			got := endpointVersions(t, ns, svc)
			if maps.Equal(got, want[svc]) {
				return ""
			}
			return fmt.Sprintf("service %s: endpoints by version %v, want %v", svc, got, want[svc])
		})
	}
}

// podUIDs returns the UIDs of the live pods of a Deployment, sorted.
func podUIDs(t *testing.T, ns, deployment string) []string {
	t.Helper()
	var uids []string
	for _, p := range pods(t, ns, appSelector) {
		if !p.terminating() && strings.HasPrefix(p.Metadata.Name, deployment+"-") && p.version() == strings.TrimPrefix(deployment, "web-") {
			uids = append(uids, p.Metadata.UID)
		}
	}
	slices.Sort(uids)
	return uids
}

// TestBlueGreen cuts over from v1 to v2 and back: the main Service's
// endpoints are only the active version's pods, the preview Service's only
// the idle one's, and cutting over restarts no pod.
func TestBlueGreen(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns = "bluegreen"
	namespace(t, ns, release.PodSecurityRestricted)
	spec := func(active string) *compile.Release {
		return compileSpec(t, specHead(ns, 2)+fmt.Sprintf(`stable: {version: "v1", tag: "v1"}
candidate: {version: "v2", tag: "v2"}
strategy: {blueGreen: {active: %s, preview: true}}
`, active))
	}
	before, cutover := spec("stable"), spec("candidate")

	apply(t, before.YAML)
	waitRollout(t, before)
	expectEndpoints(t, ns, map[string]map[string]int{"web": {"v1": 2}, "web-preview": {"v2": 2}})
	uids := append(podUIDs(t, ns, "web-v1"), podUIDs(t, ns, "web-v2")...)

	apply(t, cutover.YAML)
	waitRollout(t, cutover)
	expectEndpoints(t, ns, map[string]map[string]int{"web": {"v2": 2}, "web-preview": {"v1": 2}})

	apply(t, before.YAML)
	expectEndpoints(t, ns, map[string]map[string]int{"web": {"v1": 2}, "web-preview": {"v2": 2}})
	if now := append(podUIDs(t, ns, "web-v1"), podUIDs(t, ns, "web-v2")...); !slices.Equal(now, uids) {
		t.Errorf("cutting over and back replaced pods: before %v, after %v", uids, now)
	}
}

// TestCanaryNative walks a native canary through its steps: at each one
// the Service's ready endpoints split between v1 and v2 pods exactly as
// the compiler planned, and the candidate's share of endpoints is the
// effective weight it reported.
func TestCanaryNative(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns = "canary"
	namespace(t, ns, release.PodSecurityRestricted)
	const replicas = 4
	for step, weight := range []int{10, 50, 100} {
		r := compileSpec(t, specHead(ns, replicas)+fmt.Sprintf(`stable: {version: "v1", tag: "v1"}
candidate: {version: "v2", tag: "v2"}
strategy: {canary: {steps: [10, 50, 100], step: %d}}
`, step+1))
		want := map[string]int{}
		var cand int32
		for _, wl := range r.Result.Plan.Workloads {
			if wl.Replicas > 0 {
				want[wl.Version.Version] = int(wl.Replicas)
			}
			if wl.Role == release.RoleCandidate {
				cand = wl.Replicas
			}
		}
		eff := gen.EffectiveWeight(replicas, cand)
		t.Logf("step %d: requested %d%%, compiled %v (effective %.0f%%), warnings %v", step+1, weight, want, eff, r.Warnings)

		apply(t, r.YAML)
		waitRollout(t, r)
		expectEndpoints(t, ns, map[string]map[string]int{"web": want})
		got := endpointVersions(t, ns, "web")
		if share := float64(got["v2"]) * 100 / float64(got["v1"]+got["v2"]); share != eff {
			t.Errorf("step %d: v2 serves %.1f%% of endpoints, the compiler reported %.1f%%", step+1, share, eff)
		}
	}
}

// TestCanaryIstioStepZero starts an Istio canary at step 0: the
// candidate's Deployment rolls out to full size while the applied
// VirtualService still sends every request to stable, and step 1 then
// changes the routes only: no pod of either version is replaced.
func TestCanaryIstioStepZero(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns = "canary-istio"
	namespace(t, ns, release.PodSecurityRestricted)
	at := func(step int) *compile.Release {
		return compileSpec(t, specHead(ns, 2)+fmt.Sprintf(`traffic: istio
stable: {version: "v1", tag: "v1"}
candidate: {version: "v2", tag: "v2"}
strategy: {canary: {steps: [10, 100], step: %d}}
`, step))
	}
	routes := func() map[string]int32 {
		var vs istio.VirtualService
		getJSON(t, &vs, "virtualservice.networking.istio.io", "-n", ns, "web")
		got := map[string]int32{}
		for _, h := range vs.Spec.HTTP {
			for _, d := range h.Route {
				w := d.Weight
				if len(h.Route) == 1 && w == 0 {
					w = 100 // Istio: a lone destination without a weight takes all
				}
				got[d.Destination.Subset] += w
			}
		}
		return got
	}

	zero := at(0)
	apply(t, zero.YAML, pruneArgs...)
	waitRollout(t, zero)
	if got := routes(); !reflect.DeepEqual(got, map[string]int32{"stable": 100}) {
		t.Errorf("step 0: the applied VirtualService routes %v, want all to stable", got)
	}
	before := slices.Sorted(slices.Values(append(podUIDs(t, ns, "web-v1"), podUIDs(t, ns, "web-v2")...)))
	if len(before) != 4 {
		t.Fatalf("step 0: %d ready pods of web-v1 and web-v2, want 2 each", len(before))
	}

	one := at(1)
	apply(t, one.YAML, pruneArgs...)
	waitRollout(t, one)
	if got := routes(); !reflect.DeepEqual(got, map[string]int32{"stable": 90, "candidate": 10}) {
		t.Errorf("step 1: the applied VirtualService routes %v, want stable 90, candidate 10", got)
	}
	after := slices.Sorted(slices.Values(append(podUIDs(t, ns, "web-v1"), podUIDs(t, ns, "web-v2")...)))
	if !reflect.DeepEqual(before, after) {
		t.Errorf("step 0 → 1 replaced pods: before %v, after %v", before, after)
	}
}

// configMapOf returns the name of the one ConfigMap a release compiled to.
func configMapOf(t *testing.T, r *compile.Release) string {
	t.Helper()
	cms := objectsOf[*corev1.ConfigMap](r)
	if len(cms) != 1 {
		t.Fatalf("compiled %d ConfigMaps, want 1", len(cms))
	}
	return cms[0].Name
}

// TestConfigRollout changes only the config: the ConfigMap gets a new name,
// the Deployment a new revision, and `rollout undo` points the pods back
// at the previous ConfigMap, which still exists and is immutable.
func TestConfigRollout(t *testing.T) {
	needCluster(t)
	t.Parallel()
	const ns = "config"
	namespace(t, ns, release.PodSecurityRestricted)
	spec := func(text string) *compile.Release {
		return compileSpec(t, specHead(ns, 2)+fmt.Sprintf(`config: {"v.txt": %q, LOG_LEVEL: info}
configPath: /etc/web
stable: {version: "v1", tag: "v1"}
strategy: {ramped: {maxSurge: 1, maxUnavailable: 0}}
`, text))
	}
	one, two := spec("one"), spec("two")
	cm1, cm2 := configMapOf(t, one), configMapOf(t, two)
	if cm1 == cm2 {
		t.Fatalf("changing config kept the ConfigMap name %s", cm1)
	}
	onConfig := func(cm string) func([]pod) string {
		return func(ps []pod) string {
			ok := len(ps) == 2
			for _, p := range ps {
				ok = ok && !p.terminating() && p.ready() && slices.Equal(p.configMaps(), []string{cm})
			}
			if ok {
				return ""
			}
			var refs []string
			for _, p := range ps {
				refs = append(refs, fmt.Sprint(p.configMaps()))
			}
			return fmt.Sprintf("want 2 ready pods on %s only, have %s referencing %v", cm, describe(ps), refs)
		}
	}
	revision := func() string {
		var d appsv1.Deployment
		getJSON(t, &d, "deployment", "-n", ns, "web")
		return d.Annotations["deployment.kubernetes.io/revision"]
	}

	w := watchPods(t, ns, appSelector)
	apply(t, one.YAML)
	waitRollout(t, one)
	w.waitFor(t, onConfig(cm1))
	if got := revision(); got != "1" {
		t.Errorf("revision %q after the first apply, want 1", got)
	}

	apply(t, two.YAML)
	waitRollout(t, two)
	w.waitFor(t, onConfig(cm2))
	if got := revision(); got != "2" {
		t.Errorf("revision %q after changing config, want 2", got)
	}

	kubectl(t, nil, "rollout", "undo", "-n", ns, "deployment/web")
	kubectl(t, nil, "rollout", "status", "-n", ns, "deployment/web", "--timeout=120s")
	w.waitFor(t, onConfig(cm1))
	var cm corev1.ConfigMap
	getJSON(t, &cm, "configmap", "-n", ns, cm1)
	if cm.Immutable == nil || !*cm.Immutable || cm.Data["v.txt"] != "one" {
		t.Errorf("ConfigMap %s after undo: immutable %v, v.txt %q; want immutable with \"one\"", cm1, cm.Immutable, cm.Data["v.txt"])
	}
}

// pruneArgs are the flags the README gives for a pruning apply.
var pruneArgs = []string{"--prune", "-l", release.LabelManagedBy + "=" + release.ManagedBy,
	"--prune-allowlist=core/v1/ConfigMap", "--prune-allowlist=core/v1/Service",
	"--prune-allowlist=apps/v1/Deployment", "--prune-allowlist=apps/v1/StatefulSet",
	"--prune-allowlist=apps/v1/DaemonSet",
	"--prune-allowlist=autoscaling/v2/HorizontalPodAutoscaler",
	"--prune-allowlist=policy/v1/PodDisruptionBudget",
	"--prune-allowlist=networking.istio.io/v1/DestinationRule",
	"--prune-allowlist=networking.istio.io/v1/Gateway",
	"--prune-allowlist=networking.istio.io/v1/VirtualService"}

// TestReadmePrune keeps the README's pruning command the one TestPromotion
// proves.
func TestReadmePrune(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "kubectl apply -f deploy/ " + strings.Join(pruneArgs, " ")
	got := strings.Join(strings.Fields(strings.ReplaceAll(string(readme), "\\\n", " ")), " ")
	if !strings.Contains(got, want) {
		t.Errorf("README does not show the pruning command the tests run:\n%s", want)
	}
}

// TestPromotion promotes the candidate to stable: its Deployment keeps
// its pods (same UIDs, same revision) and a pruning apply removes the old
// version's Deployment and pods.
func TestPromotion(t *testing.T) {
	needCluster(t)
	for _, tc := range []struct {
		name            string
		during, after   string // strategy while both versions run, and after promotion
		sameReplicas    bool   // the candidate already ran at full size
		candidateBefore int
	}{
		{name: "canary", during: "canary: {steps: [50, 100], step: 1}", after: "canary: {steps: [50, 100]}", candidateBefore: 2},
		{name: "bluegreen", during: "blueGreen: {active: candidate}", after: "blueGreen: {}", sameReplicas: true, candidateBefore: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ns := "promote-" + tc.name
			namespace(t, ns, release.PodSecurityRestricted)
			during := compileSpec(t, specHead(ns, 4)+`stable: {version: "v1", tag: "v1"}
candidate: {version: "v2", tag: "v2"}
strategy: {`+tc.during+"}\n")
			after := compileSpec(t, specHead(ns, 4)+`stable: {version: "v2", tag: "v2"}
strategy: {`+tc.after+"}\n")
			prune := pruneArgs

			apply(t, during.YAML, prune...)
			waitRollout(t, during)
			before := podUIDs(t, ns, "web-v2")
			if len(before) != tc.candidateBefore {
				t.Fatalf("%d candidate pods before promotion, want %d", len(before), tc.candidateBefore)
			}

			apply(t, after.YAML, prune...)
			waitRollout(t, after)
			eventually(t, timeoutRollout, func() string {
				var list struct {
					Items []appsv1.Deployment `json:"items"`
				}
				getJSON(t, &list, "deployments", "-n", ns)
				var names []string
				for _, d := range list.Items {
					names = append(names, d.Name)
				}
				if v1 := pods(t, ns, labels.SelectorFromSet(map[string]string{release.LabelVersion: "v1"}).String()); len(names) == 1 && names[0] == "web-v2" && len(v1) == 0 {
					return ""
				}
				return fmt.Sprintf("deployments %v (want only web-v2) and v1 pods remain", names)
			})
			now := podUIDs(t, ns, "web-v2")
			if len(now) != 4 {
				t.Errorf("%d pods of web-v2 after promotion, want 4", len(now))
			}
			for _, uid := range before {
				if !slices.Contains(now, uid) {
					t.Errorf("candidate pod %s was replaced by the promotion", uid)
				}
			}
			if tc.sameReplicas && !slices.Equal(before, now) {
				t.Errorf("pods of web-v2 changed: before %v, after %v", before, now)
			}
			var d appsv1.Deployment
			getJSON(t, &d, "deployment", "-n", ns, "web-v2")
			if rev := d.Annotations["deployment.kubernetes.io/revision"]; rev != "1" {
				t.Errorf("web-v2 at revision %q after promotion, want 1 (no new ReplicaSet)", rev)
			}
		})
	}
}
