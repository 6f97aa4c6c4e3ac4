package compile_test

import (
	"fmt"
	"maps"
	"reflect"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/load"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// statefulSpec is a StatefulSet release of replicas pods, with a
// candidate when cand, updated by strategy.
func statefulSpec(replicas int, strategy string, cand bool) string {
	s := fmt.Sprintf(`name: db
image: postgres
workload: StatefulSet
replicas: %d
ports: [{name: tcp-pg, containerPort: 5432}]
runAsUser: 70
stable: {version: "11.6", tag: 11.6-alpine}
strategy: %s
`, replicas, strategy)
	if cand {
		s += "candidate: {version: \"11.8\", tag: 11.8-alpine}\n"
	}
	return s
}

// TestPartition: at each step of a staged update, the StatefulSet runs the
// candidate's template and its partition leaves exactly the step's count
// of the highest ordinals to it (worked out by hand); the others keep
// their revision. Without a candidate, nothing is held back.
func TestPartition(t *testing.T) {
	for _, tc := range []struct {
		replicas int
		strategy string
		cand     bool
		// partition, -1 for none; the image of the template.
		partition int32
		image     string
		onDelete  bool
	}{
		{2, "{partitioned: {steps: [1, 2], step: 0}}", true, 2, "postgres:11.8-alpine", false},
		{2, "{partitioned: {steps: [1, 2], step: 1}}", true, 1, "postgres:11.8-alpine", false},
		{2, "{partitioned: {steps: [1, 2], step: 2}}", true, 0, "postgres:11.8-alpine", false},
		{5, "{partitioned: {steps: [1, 3, 5], step: 2}}", true, 2, "postgres:11.8-alpine", false},
		{2, "{partitioned: {steps: [1, 2], step: 1}}", false, -1, "postgres:11.6-alpine", false},
		{3, "{ramped: {}}", false, -1, "postgres:11.6-alpine", false},
		{3, "{onDelete: {}}", true, -1, "postgres:11.8-alpine", true},
	} {
		t.Run(fmt.Sprintf("%d %s %v", tc.replicas, tc.strategy, tc.cand), func(t *testing.T) {
			r := compileYAML(t, statefulSpec(tc.replicas, tc.strategy, tc.cand))
			o := split(t, r.Result.Objects)
			if len(o.statefulSets) != 1 || len(o.deployments)+len(o.daemonSets) != 0 {
				t.Fatalf("compiled %d StatefulSets, %d Deployments, %d DaemonSets; want one StatefulSet", len(o.statefulSets), len(o.deployments), len(o.daemonSets))
			}
			s := o.statefulSets[0]
			if got := s.Spec.Template.Spec.Containers[0].Image; got != tc.image {
				t.Errorf("template runs %s, want %s", got, tc.image)
			}
			if int(*s.Spec.Replicas) != tc.replicas {
				t.Errorf("replicas %d, want %d", *s.Spec.Replicas, tc.replicas)
			}
			us := s.Spec.UpdateStrategy
			if tc.onDelete != (us.Type == appsv1.OnDeleteStatefulSetStrategyType) {
				t.Errorf("update strategy %s", us.Type)
			}
			partition := int32(-1)
			if us.RollingUpdate != nil && us.RollingUpdate.Partition != nil {
				partition = *us.RollingUpdate.Partition
			}
			if partition != tc.partition {
				t.Errorf("partition %d, want %d", partition, tc.partition)
			}
			// Two ConfigMap-free versions: the Services select every pod.
			for _, svc := range o.services {
				if !reflect.DeepEqual(svc.Spec.Selector, map[string]string{"app": "db"}) {
					t.Errorf("Service %s selects %v", svc.Name, svc.Spec.Selector)
				}
			}
		})
	}
}

// TestDaemonSetRamp: a DaemonSet's rolling update is Kubernetes' own
// (maxSurge 0, maxUnavailable 1) unless written, never the schema's
// Deployment defaults of 25 % each.
func TestDaemonSetRamp(t *testing.T) {
	for _, tc := range []struct {
		ramped             string
		surge, unavailable intstr.IntOrString
	}{
		{"{}", intstr.FromInt32(0), intstr.FromInt32(1)},
		{"{maxUnavailable: 2}", intstr.FromInt32(0), intstr.FromInt32(2)},
		{"{maxSurge: \"10%\", maxUnavailable: 0}", intstr.FromString("10%"), intstr.FromInt32(0)},
		{"{maxSurge: 1}", intstr.FromInt32(1), intstr.FromInt32(0)},
		{"{maxSurge: 1, maxUnavailable: 1}", intstr.IntOrString{}, intstr.IntOrString{}},
	} {
		t.Run(tc.ramped, func(t *testing.T) {
			spec := fmt.Sprintf(`name: proxy
image: nginx
workload: DaemonSet
ports: [{name: http, containerPort: 8080}]
runAsUser: 101
stable: {version: "1.27", tag: "1.27"}
strategy: {ramped: %s}
`, tc.ramped)
			if tc.ramped == "{maxSurge: 1, maxUnavailable: 1}" {
				// Both above zero: refused, as Kubernetes refuses it.
				if _, err := compile.Bytes(&load.Loader{}, "spec.yaml", []byte(spec)); err == nil {
					t.Fatal("compiled a DaemonSet that surges and takes pods down")
				}
				return
			}
			o := split(t, compileYAML(t, spec).Result.Objects)
			if len(o.daemonSets) != 1 {
				t.Fatalf("compiled %d DaemonSets", len(o.daemonSets))
			}
			ru := o.daemonSets[0].Spec.UpdateStrategy.RollingUpdate
			if *ru.MaxSurge != tc.surge || *ru.MaxUnavailable != tc.unavailable {
				t.Errorf("maxSurge %v, maxUnavailable %v; want %v and %v", ru.MaxSurge, ru.MaxUnavailable, tc.surge, tc.unavailable)
			}
			if o.daemonSets[0].Spec.Template.Labels["version"] != "1.27" {
				t.Errorf("pods labelled %v", o.daemonSets[0].Spec.Template.Labels)
			}
		})
	}
}

// TestPartitionIstio: with Istio, a staged StatefulSet update routes to
// the versions' subsets by their share of pods at each step (worked out
// by hand: 1, 2 and 4 of 4 pods), and without a candidate all to stable.
func TestPartitionIstio(t *testing.T) {
	for _, tc := range []struct {
		step      int
		cand      bool
		candidate int32 // the candidate's weight, -1 for no candidate route
	}{
		{0, true, -1}, {1, true, 25}, {2, true, 50}, {3, true, 100}, {1, false, -1},
	} {
		t.Run(fmt.Sprintf("step %d candidate %v", tc.step, tc.cand), func(t *testing.T) {
			spec := fmt.Sprintf(`name: db
image: example/db
workload: StatefulSet
replicas: 4
traffic: istio
ports: [{name: http, containerPort: 8080}]
runAsUser: 1000
readinessProbe: {http: {path: /ready}}
stable: {version: v1, tag: "1"}
strategy: {partitioned: {steps: [1, 2, 4], step: %d}}
`, tc.step)
			if tc.cand {
				spec += "candidate: {version: v2, tag: \"2\"}\n"
			}
			r := compileYAML(t, spec)
			o := split(t, r.Result.Objects)
			if len(o.rules) != 1 || len(o.virtuals) != 1 {
				t.Fatalf("%d DestinationRules, %d VirtualServices; want 1 each", len(o.rules), len(o.virtuals))
			}
			got := map[string]int32{}
			routes := o.virtuals[0].Spec.HTTP[len(o.virtuals[0].Spec.HTTP)-1].Route
			for _, d := range routes {
				got[d.Destination.Subset] = d.Weight
				if len(routes) == 1 && d.Weight == 0 {
					got[d.Destination.Subset] = 100 // a lone destination's weight is left out
				}
			}
			want := map[string]int32{"stable": 100}
			if tc.candidate > 0 {
				want = map[string]int32{"candidate": tc.candidate}
				if tc.candidate < 100 {
					want["stable"] = 100 - tc.candidate
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("routes %v, want %v", got, want)
			}
			subsets := map[string]string{}
			for _, s := range o.rules[0].Spec.Subsets {
				subsets[s.Name] = s.Labels["version"]
			}
			wantSubsets := map[string]string{"stable": "v1", "candidate": "v1"}
			if tc.cand {
				wantSubsets["candidate"] = "v2"
			}
			if !reflect.DeepEqual(subsets, wantSubsets) {
				t.Errorf("subsets %v, want %v", subsets, wantSubsets)
			}
		})
	}
}

// TestDaemonSetHostPort: a port's hostPort reaches the DaemonSet's main
// container in Kubernetes' field, beside the port it binds; a port
// without one binds none.
func TestDaemonSetHostPort(t *testing.T) {
	o := split(t, compileYAML(t, `name: proxy
image: example/proxy
workload: DaemonSet
podSecurity: privileged
ports: [{name: http, containerPort: 8080, hostPort: 80}, {name: metrics, containerPort: 9090, service: false}]
stable: {version: v1, tag: "1"}
strategy: {ramped: {}}
`).Result.Objects)
	if len(o.daemonSets) != 1 {
		t.Fatalf("compiled %d DaemonSets, want 1", len(o.daemonSets))
	}
	got := map[string]int32{}
	for _, p := range o.daemonSets[0].Spec.Template.Spec.Containers[0].Ports {
		got[p.Name] = p.HostPort
	}
	if want := map[string]int32{"http": 80, "metrics": 0}; !maps.Equal(got, want) {
		t.Errorf("hostPorts by port %v, want %v", got, want)
	}
}
