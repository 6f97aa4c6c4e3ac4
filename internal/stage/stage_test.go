package stage_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/stage"
)

const web = `
name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
readinessProbe: {http: {path: /}}
runAsUser: 1000
stable: {version: v1, tag: "1"}
`

// planOf plans the one release of src.
func planOf(t *testing.T, src string) *stage.Plan {
	t.Helper()
	rs, err := compile.Bytes(&load.Loader{}, "spec.yaml", []byte(src))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	p, err := stage.Of(rs[0].Spec.Release, rs[0].Warnings)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

// summary is a stage as one line a table can state: the stage, the pods
// per version, the first route's shares, and the transition's bounds.
func summary(s *stage.Stage) string {
	var pods, shares []string
	for _, p := range s.Pods {
		if len(p.Ordinals) > 0 {
			pods = append(pods, p.Version+"="+strings.Join(p.Ordinals, ","))
		} else {
			pods = append(pods, fmt.Sprintf("%s=%d", p.Version, p.Count))
		}
	}
	if len(s.Routes) > 0 {
		for _, sh := range s.Routes[0].Shares {
			shares = append(shares, sh.Version+"="+stage.Percent(sh.Percent))
		}
		if m := s.Routes[0].Mirror; m != nil {
			shares = append(shares, "mirror "+m.Version+"="+stage.Percent(m.Percent))
		}
	}
	line := fmt.Sprintf("%s: %s | %s", s.Name, strings.Join(pods, " "), strings.Join(shares, " "))
	if t := s.Transition; t != nil {
		line += fmt.Sprintf(" | ≤%d ≥%d", t.Peak, t.Floor)
	}
	return line
}

// TestStages: each strategy's stages, worked out by hand — pods per
// version, the requests each gets, and the pods Kubernetes holds on the
// way (both workloads of a canary move at once: the peak adds the larger
// side of each, the floor the smaller).
func TestStages(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		want       []string
	}{
		{"canary native", web + `replicas: 4
candidate: {version: v2, tag: "2"}
strategy: {canary: {steps: [25, 50, 100], step: 1}}`, []string{
			"now: v1=3 v2=1 | v1=75% v2=25%",
			"step 2: v1=2 v2=2 | v1=50% v2=50% | ≤5 ≥3",
			"step 3: v1=0 v2=4 | v2=100% | ≤6 ≥2",
			"promote: v2=4 | v2=100% | ≤4 ≥4",
		}},
		{"canary istio from step 0", web + `replicas: 2
traffic: istio
candidate: {version: v2, tag: "2"}
strategy: {canary: {steps: [10, 100], step: 0}}`, []string{
			"now: v1=2 v2=2 | v1=100%",
			"step 1: v1=2 v2=2 | v1=90% v2=10% | ≤4 ≥4",
			"step 2: v1=2 v2=2 | v2=100% | ≤4 ≥4",
			"promote: v2=2 | v2=100% | ≤4 ≥2",
		}},
		{"blue-green", web + `replicas: 3
candidate: {version: v2, tag: "2"}
strategy: {blueGreen: {}}`, []string{
			"now: v1=3 v2=3 | v1=100%",
			"active: candidate: v1=3 v2=3 | v2=100% | ≤6 ≥6",
			"promote: v2=3 | v2=100% | ≤6 ≥3",
		}},
		{"shadow", web + `replicas: 2
traffic: istio
candidate: {version: v2, tag: "2"}
strategy: {shadow: {percent: 20}}`, []string{
			"now: v1=2 v2=2 | v1=100% mirror v2=20%",
			"promote: v2=2 | v2=100% | ≤4 ≥2",
		}},
		{"partitioned StatefulSet", web + `replicas: 3
workload: StatefulSet
candidate: {version: v2, tag: "2"}
strategy: {partitioned: {steps: [1, 3], step: 0}}`, []string{
			"now: v1=web-0,web-1,web-2 v2=0 | v1=100%",
			"step 1: v1=web-0,web-1 v2=web-2 | v1=66.7% v2=33.3% | ≤3 ≥2",
			"step 2: v1=0 v2=web-0,web-1,web-2 | v2=100% | ≤3 ≥2",
			"promote: v2=web-0,web-1,web-2 | v2=100% | ≤3 ≥3",
		}},
		{"ramped, no candidate", web + `replicas: 4
strategy: {ramped: {}}`, []string{
			"now: v1=4 | v1=100%",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, tc.spec)
			var got []string
			for _, s := range p.Stages {
				got = append(got, summary(s))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("stages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestRollout: a new pod template's bounds, as the deployment controller
// resolves maxSurge (rounded up) and maxUnavailable (rounded down).
func TestRollout(t *testing.T) {
	for _, tc := range []struct {
		replicas           int
		strategy           string
		peak, floor        int32
		surge, unavailable int32
	}{
		{4, `ramped: {}`, 5, 3, 1, 1}, // rollspec's ramped default: 25%/25%
		{10, `ramped: {maxSurge: "25%", maxUnavailable: "25%"}`, 13, 8, 3, 2},
		{4, `ramped: {maxSurge: 1, maxUnavailable: 0}`, 5, 4, 1, 0},
		{3, `ramped: {maxSurge: "10%", maxUnavailable: 0}`, 4, 3, 1, 0},
		{5, `ramped: {maxSurge: 0, maxUnavailable: "30%"}`, 5, 4, 0, 1},
		{4, `recreate: {}`, 4, 0, 0, 0},
		// A StatefulSet's, as its controller resolves maxUnavailable:
		// rounded down, at least 1; no surge.
		{5, "ramped: {}}\nworkload: StatefulSet\n#", 5, 4, 0, 1},
		{5, "ramped: {maxUnavailable: 2}}\nworkload: StatefulSet\nstatefulSet: {podManagementPolicy: Parallel}\n#", 5, 3, 0, 2},
		{5, "ramped: {maxUnavailable: \"50%\"}}\nworkload: StatefulSet\nstatefulSet: {podManagementPolicy: Parallel}\n#", 5, 3, 0, 2},
		{5, "ramped: {maxUnavailable: \"10%\"}}\nworkload: StatefulSet\nstatefulSet: {podManagementPolicy: Parallel}\n#", 5, 4, 0, 1},
	} {
		t.Run(tc.strategy+fmt.Sprint(tc.replicas), func(t *testing.T) {
			p := planOf(t, web+fmt.Sprintf("replicas: %d\nstrategy: {%s}\n", tc.replicas, tc.strategy))
			ro := p.Stages[0].Rollouts
			if len(ro) != 1 {
				t.Fatalf("rollouts: %+v", ro)
			}
			var surge, unavailable int32 // Recreate resolves neither
			if ro[0].ResolvedSurge != nil {
				surge = *ro[0].ResolvedSurge
			}
			if ro[0].ResolvedUnavailable != nil {
				unavailable = *ro[0].ResolvedUnavailable
			}
			if ro[0].Peak != tc.peak || ro[0].Floor != tc.floor || surge != tc.surge || unavailable != tc.unavailable {
				t.Errorf("got peak %d floor %d (surge %d, unavailable %d), want %d %d (%d, %d)",
					ro[0].Peak, ro[0].Floor, surge, unavailable, tc.peak, tc.floor, tc.surge, tc.unavailable)
			}
		})
	}
}

// TestWarnings: what only the stages together show, each at the field
// that causes it, once.
func TestWarnings(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		want       []string // stage: field: start of the message
	}{
		{"a step that changes nothing", web + `replicas: 4
candidate: {version: v2, tag: "2"}
strategy: {canary: {steps: [10, 30, 60, 100], step: 1}}`, []string{
			"now: strategy.canary.steps[0]: requested 10%, effective 25%",
			"step 2: strategy.canary.steps[1]: requested 30%, effective 25%",
			"step 2: strategy.canary.steps[1]: step 2 changes nothing: 1 of 4 pods run the candidate",
			"step 3: strategy.canary.steps[2]: requested 60%, effective 50%",
			"step 4: strategy.canary.steps[3]: on the way to step 4 only 2 of 4 pods are ready while the new ones start",
		}},
		{"two full copies, once", web + `replicas: 3
candidate: {version: v2, tag: "2"}
strategy: {blueGreen: {}}`, []string{
			"now: strategy: now runs both versions at full size at once, 6 pods (3 of v1, 3 of v2)",
		}},
		{"a rolling update that may leave no pod ready", web + `replicas: 1
strategy: {ramped: {maxSurge: 0, maxUnavailable: 1}}`, []string{
			"now: strategy.ramped.maxUnavailable: a new pod template may leave no pod ready: maxUnavailable 1 lets the rolling update stop every pod of web (1)",
		}},
		{"a promotion that shrinks", web + `replicas: 3
traffic: istio
candidate: {version: v2, tag: "2", replicas: 1}
strategy: {shadow: {percent: 10}}`, []string{
			"promote: candidate.replicas: the promotion leaves 1 pod of v2 where v1 runs 3 now",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, tc.spec)
			var got []string
			for _, s := range p.Stages {
				for _, d := range s.Problems {
					got = append(got, s.Name+": "+d.Field+": "+d.Text)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("problem %d:\n%s\nwant it to start:\n%s", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestBetween: what Kubernetes does between two states of a spec, as the
// edit commands report it, worked out by hand.
func TestBetween(t *testing.T) {
	release := func(src string) *stage.Plan { return planOf(t, src) }
	for _, tc := range []struct {
		name, before, after string
		want                string // moves; peak, floor
	}{
		{"a partitioned step", web + "replicas: 3\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {partitioned: {steps: [1, 3], step: 1}}",
			web + "replicas: 3\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {partitioned: {steps: [1, 3], step: 2}}",
			"replace web-1,web-0; ≤3 ≥2"},
		{"a partitioned rollback puts the updated pod back", web + "replicas: 3\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {partitioned: {steps: [1, 3], step: 1}}",
			web + "replicas: 3\nworkload: StatefulSet\nstrategy: {partitioned: {steps: [1, 3], step: 1}}",
			"replace web-2; ≤3 ≥2"},
		{"a candidate at step 0 moves no pod", web + "replicas: 3\nworkload: StatefulSet\nstrategy: {partitioned: {steps: [1, 3], step: 0}}",
			web + "replicas: 3\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {partitioned: {steps: [1, 3], step: 0}}",
			"; ≤3 ≥3"},
		{"a native canary rolled back at its last step", web + "replicas: 4\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {canary: {steps: [50, 100], step: 2}}",
			web + "replicas: 4\nstrategy: {canary: {steps: [50, 100], step: 2}}",
			"delete web-v2, scale web-v1; ≤8 ≥0"},
		{"a DaemonSet's new template, per node", web + "workload: DaemonSet\nstrategy: {ramped: {}}",
			strings.Replace(web, `tag: "1"`, `tag: "2"`, 1) + "workload: DaemonSet\nstrategy: {ramped: {}}",
			"roll web; ≤1 ≥0 per node"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, a := release(tc.before), release(tc.after)
			tr, err := stage.Between(b.Stages[0].Release, a.Stages[0].Release)
			if err != nil {
				t.Fatal(err)
			}
			var moves []string
			for _, m := range tr.Moves {
				switch m.Action {
				case stage.ActReplace:
					moves = append(moves, "replace "+strings.Join(m.Replaced, ","))
				default:
					moves = append(moves, m.Action+" "+m.Workload)
				}
			}
			got := fmt.Sprintf("%s; ≤%d ≥%d", strings.Join(moves, ", "), tr.Peak, tr.Floor)
			if tr.PerNode {
				got += " per node"
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestOnDeletePromote: promoting an onDelete update replaces no pod; the
// plan says the pods keep stable's version until each is deleted by hand,
// and, where stable's config differs, warns that its ConfigMap, which
// those pods mount, stops being compiled.
func TestOnDeletePromote(t *testing.T) {
	for _, tc := range []struct {
		name, workload, config string
		moves                  string
		warns                  bool
	}{
		{name: "StatefulSet", workload: "StatefulSet", moves: "deleteByHand cache [cache-2 cache-1 cache-0] v1→v2 ≤3 ≥2"},
		{name: "StatefulSet, own config", workload: "StatefulSet", config: "config: {A: \"2\"}, ", moves: "deleteByHand cache [cache-2 cache-1 cache-0] v1→v2 ≤3 ≥2", warns: true},
		{name: "DaemonSet", workload: "DaemonSet", moves: "deleteByHand cache [] v1→v2 ≤1 ≥0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "name: cache\nimage: example/cache\nports: [{name: http, containerPort: 8080}]\nrunAsUser: 1000\nconfig: {A: \"1\"}\n" +
				"workload: " + tc.workload + "\nstable: {version: v1, tag: \"1\"}\ncandidate: {" + tc.config + "version: v2, tag: \"2\"}\nstrategy: {onDelete: {}}\n"
			if tc.workload == "StatefulSet" {
				src += "replicas: 3\n"
			}
			p := planOf(t, src)
			last := p.Stages[len(p.Stages)-1]
			var moves []string
			for _, m := range last.Transition.Moves {
				moves = append(moves, fmt.Sprintf("%s %s %v %s→%s", m.Action, m.Workload, m.Replaced, m.Was, m.Version))
			}
			if got := fmt.Sprintf("%s ≤%d ≥%d", strings.Join(moves, ", "), last.Transition.Peak, last.Transition.Floor); got != tc.moves {
				t.Errorf("promote moves %q, want %q", got, tc.moves)
			}
			warned := slices.ContainsFunc(last.Problems, func(d *diag.Diagnostic) bool {
				return d.Field == "strategy.onDelete" && strings.Contains(d.Text, "mount its config")
			})
			if warned != tc.warns {
				t.Errorf("warned about stable's ConfigMap: %v, want %v (%v)", warned, tc.warns, last.Problems)
			}
		})
	}
}

// TestUndersizedCandidate: an autoscaled canary's stage that sends every
// request to the candidate warns that it runs at the release's
// autoscaler minimum while stable may have scaled out; the candidate's
// own autoscaler.minReplicas sizes it for the stage, and the plan counts
// its pods from there.
func TestUndersizedCandidate(t *testing.T) {
	for _, tc := range []struct {
		name, candidate string
		warnAt          string // the stage warned at, "" for none
		pods            string // the candidate's pods at the last step
	}{
		{name: "release's minimum", candidate: `{version: v2, tag: "2"}`, warnAt: "step 2", pods: "v1=2 v2=2"},
		{name: "candidate's own minimum", candidate: `{version: v2, tag: "2", autoscaler: {minReplicas: 8}}`, pods: "v1=2 v2=8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, web+"resources: {requests: {cpu: 100m}}\nautoscaler: {minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 60}\ntraffic: istio\n"+
				"candidate: "+tc.candidate+"\nstrategy: {canary: {steps: [50, 100], step: 1}}\n")
			var warned []string
			for _, s := range p.Stages {
				for _, d := range s.Problems {
					if d.Field == "candidate.autoscaler.minReplicas" {
						warned = append(warned, s.Name)
					}
				}
			}
			if got := strings.Join(warned, ","); got != tc.warnAt {
				t.Errorf("warned at %q, want %q", got, tc.warnAt)
			}
			last := p.Stages[len(p.Stages)-2]
			if got := summary(last); !strings.HasPrefix(got, last.Name+": "+tc.pods+" |") {
				t.Errorf("%s, want the pods %s", got, tc.pods)
			}
		})
	}
}

// TestPodsFirst: behind Istio, each step of a partitioned StatefulSet is
// two stages: the partition moves while the routes balance over every
// ready pod (no subset weighted ahead of its pods), then the step's
// weights. 7 pods, steps [1, 3, 7]: from step 1 to 2, 43% never reaches
// the one pod replaced while the others are replaced. Other strategies
// keep one stage per step.
func TestPodsFirst(t *testing.T) {
	sts := web + "workload: StatefulSet\nreplicas: 7\ncandidate: {version: v2, tag: \"2\"}\n"
	for _, tc := range []struct {
		name, spec string
		want       []string
	}{
		{name: "istio", spec: sts + "traffic: istio\nstrategy: {partitioned: {steps: [1, 3, 7], step: 1}}\n", want: []string{
			"now: v1=web-0…web-5 v2=web-6 | v1=86% v2=14%",
			"step 2: pods: v1=web-0…web-3 v2=web-4…web-6 | v1=57.1% v2=42.9% | ≤7 ≥6",
			"step 2: v1=web-0…web-3 v2=web-4…web-6 | v1=57% v2=43% | ≤7 ≥7",
			"step 3: pods: v1=0 v2=web-0…web-6 | v2=100% | ≤7 ≥6",
			"step 3: v1=0 v2=web-0…web-6 | v2=100% | ≤7 ≥7",
			"promote: v2=web-0…web-6 | v2=100% | ≤7 ≥7"}},
		{name: "istio, routes waiting", spec: sts + "traffic: istio\nstrategy: {partitioned: {steps: [1, 3, 7], step: 2, routed: false}}\n", want: []string{
			"now: v1=web-0…web-3 v2=web-4…web-6 | v1=57.1% v2=42.9%",
			"step 2: v1=web-0…web-3 v2=web-4…web-6 | v1=57% v2=43% | ≤7 ≥7",
			"step 3: pods: v1=0 v2=web-0…web-6 | v2=100% | ≤7 ≥6",
			"step 3: v1=0 v2=web-0…web-6 | v2=100% | ≤7 ≥7",
			"promote: v2=web-0…web-6 | v2=100% | ≤7 ≥7"}},
		{name: "native", spec: sts + "strategy: {partitioned: {steps: [1, 3, 7], step: 1}}\n", want: []string{
			"now: v1=web-0…web-5 v2=web-6 | v1=85.7% v2=14.3%",
			"step 2: v1=web-0…web-3 v2=web-4…web-6 | v1=57.1% v2=42.9% | ≤7 ≥6",
			"step 3: v1=0 v2=web-0…web-6 | v2=100% | ≤7 ≥6",
			"promote: v2=web-0…web-6 | v2=100% | ≤7 ≥7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range planOf(t, tc.spec).Stages {
				got = append(got, shorten(summary(s)))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("stages:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// shorten writes a StatefulSet's long run of pods by its ends.
func shorten(line string) string {
	for _, run := range []string{"web-0,web-1,web-2,web-3,web-4,web-5,web-6", "web-0,web-1,web-2,web-3,web-4,web-5", "web-0,web-1,web-2,web-3", "web-4,web-5,web-6"} {
		line = strings.ReplaceAll(line, run, run[:5]+"…"+run[len(run)-5:])
	}
	return line
}
