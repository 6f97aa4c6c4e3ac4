package stage

import (
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/release"
)

// Rollout is what Kubernetes holds to while it replaces a workload's pods
// after its pod template changed.
type Rollout struct {
	Workload string `json:"workload"`
	Kind     string `json:"kind"`
	// Strategy is the workload's update strategy as Kubernetes names it:
	// RollingUpdate, Recreate, OnDelete.
	Strategy string `json:"strategy"`
	// Replicas the workload runs once done; a DaemonSet's, per node: 1.
	Replicas int32 `json:"replicas"`
	// MaxSurge and MaxUnavailable as written, and resolved against
	// Replicas as the controller does (surge rounded up, unavailable
	// down, 1 unavailable when both are 0); a DaemonSet's are nodes,
	// which a plan does not know: not resolved.
	MaxSurge            string `json:"maxSurge,omitempty"`
	MaxUnavailable      string `json:"maxUnavailable,omitempty"`
	ResolvedSurge       *int32 `json:"resolvedSurge,omitempty"`
	ResolvedUnavailable *int32 `json:"resolvedUnavailable,omitempty"`
	// Peak is the most pods the workload runs at once, Floor the fewest
	// ready ones; a DaemonSet's per node (PerNode).
	Peak    int32 `json:"peak"`
	Floor   int32 `json:"floor"`
	PerNode bool  `json:"perNode"`
}

// Move is what Kubernetes does to one workload between two stages.
type Move struct {
	Workload string `json:"workload"`
	Kind     string `json:"kind"`
	// Action is create, delete, scale, roll (a new pod template rolled
	// out under the workload's Rollout), replace (a StatefulSet's
	// pods replaced one at a time, highest ordinal first) or
	// deleteByHand (onDelete's pods, which no apply replaces: each
	// takes the new version only when someone deletes it).
	Action string `json:"action"`
	// From and To are the pods before and after.
	From int32 `json:"from"`
	To   int32 `json:"to"`
	// Replaced are a StatefulSet's pods replaced, in order (with
	// deleteByHand: the pods to delete).
	Replaced []string `json:"replaced,omitempty"`
	// Version and Was are the versions the pods move to and from, for
	// deleteByHand.
	Version string `json:"version,omitempty"`
	Was     string `json:"was,omitempty"`
	// Peak and Floor bound the workload's pods, and its ready pods, on
	// the way.
	Peak  int32 `json:"peak"`
	Floor int32 `json:"floor"`
}

// Transition is what Kubernetes does between one stage and the next.
type Transition struct {
	Moves []Move `json:"moves"`
	// Peak is the most pods the release runs on the way, Floor the
	// fewest ready ones: each workload's bounds added up, as applying
	// the stage moves every workload at once.
	Peak  int32 `json:"peak"`
	Floor int32 `json:"floor"`
	// PerNode: the release is a DaemonSet, whose bounds are per node (its
	// node count is the cluster's): a node's pod may be down while every
	// other node's serves.
	PerNode bool `json:"perNode"`
}

// Move actions, as Move.Action names them.
const (
	ActCreate  = "create"
	ActDelete  = "delete"
	ActScale   = "scale"
	ActRoll    = "roll"
	ActReplace = "replace"
	// ActDeleteByHand: onDelete's pods keep their version until someone
	// deletes each; applying the stage replaces none of them.
	ActDeleteByHand = "deleteByHand"
)

// rollouts are the bounds of each of c's workloads when its template
// changes.
func rollouts(c *compiled) []Rollout {
	replicas := map[string]int32{}
	for _, w := range c.res.Plan.Workloads {
		replicas[w.Name] = w.Replicas
	}
	var out []Rollout
	for _, o := range c.res.Objects {
		if ro, ok := rolloutOf(o, replicas[o.GetName()]); ok {
			out = append(out, ro)
		}
	}
	return out
}

// rolloutOf is o's rollout bounds, if o is a workload of n replicas (an
// autoscaled Deployment's: its minimum).
func rolloutOf(o gen.Object, n int32) (Rollout, bool) {
	switch w := o.(type) {
	case *appsv1.Deployment:
		ro := Rollout{Workload: w.Name, Kind: release.WorkloadDeployment, Strategy: string(w.Spec.Strategy.Type), Replicas: n}
		if w.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType {
			// Every old pod stops before a new one starts.
			ro.Peak, ro.Floor = n, 0
			return ro, true
		}
		// Kubernetes' defaults when the strategy is left out.
		surge, unavail := intstr.FromString("25%"), intstr.FromString("25%")
		if ru := w.Spec.Strategy.RollingUpdate; ru != nil {
			if ru.MaxSurge != nil {
				surge = *ru.MaxSurge
			}
			if ru.MaxUnavailable != nil {
				unavail = *ru.MaxUnavailable
			}
		}
		ro.Strategy = string(appsv1.RollingUpdateDeploymentStrategyType)
		ro.MaxSurge, ro.MaxUnavailable = surge.String(), unavail.String()
		rs, ru := fenceposts(surge, unavail, n)
		ro.ResolvedSurge, ro.ResolvedUnavailable = &rs, &ru
		ro.Peak, ro.Floor = n+rs, max(0, n-ru)
		return ro, true
	case *appsv1.StatefulSet:
		ro := Rollout{Workload: w.Name, Kind: release.WorkloadStatefulSet, Strategy: string(w.Spec.UpdateStrategy.Type), Replicas: n, Peak: n, Floor: n}
		if w.Spec.UpdateStrategy.Type != appsv1.OnDeleteStatefulSetStrategyType && n > 0 {
			// maxUnavailable pods at a time (Kubernetes' default: one),
			// from the highest ordinal down.
			unavail := intstr.FromInt32(1)
			if ru := w.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.MaxUnavailable != nil {
				unavail = *ru.MaxUnavailable
			}
			u := statefulSetUnavailable(unavail, n)
			ro.MaxUnavailable, ro.ResolvedUnavailable, ro.Floor = unavail.String(), &u, n-u
		}
		return ro, true
	case *appsv1.DaemonSet:
		ro := Rollout{Workload: w.Name, Kind: release.WorkloadDaemonSet, Strategy: string(w.Spec.UpdateStrategy.Type), Replicas: 1, Peak: 1, Floor: 1, PerNode: true}
		if ru := w.Spec.UpdateStrategy.RollingUpdate; ru != nil && w.Spec.UpdateStrategy.Type == appsv1.RollingUpdateDaemonSetStrategyType {
			surge, unavail := intstr.FromInt32(0), intstr.FromInt32(1)
			if ru.MaxSurge != nil {
				surge = *ru.MaxSurge
			}
			if ru.MaxUnavailable != nil {
				unavail = *ru.MaxUnavailable
			}
			ro.MaxSurge, ro.MaxUnavailable = surge.String(), unavail.String()
			// Per node: a surging node runs its old and new pod at once; an
			// unavailable one has no ready pod for a while.
			if surge.String() != "0" {
				ro.Peak = 2
			} else {
				ro.Floor = 0
			}
		}
		return ro, true
	}
	return Rollout{}, false
}

// fenceposts resolves a rolling update's maxSurge and maxUnavailable
// against n replicas as the deployment controller does: the surge
// rounded up, the unavailable rounded down, and 1 unavailable when both
// come to 0, so that the rollout can move.
func fenceposts(surge, unavail intstr.IntOrString, n int32) (int32, int32) {
	s, err := intstr.GetScaledValueFromIntOrPercent(&surge, int(n), true)
	if err != nil {
		s = 0
	}
	u, err := intstr.GetScaledValueFromIntOrPercent(&unavail, int(n), false)
	if err != nil {
		u = 0
	}
	if s == 0 && u == 0 {
		u = 1
	}
	return int32(s), int32(u)
}

// statefulSetUnavailable resolves a StatefulSet's maxUnavailable against
// n replicas as the StatefulSet controller does
// (getStatefulSetMaxUnavailable): a percentage rounded down, at least 1,
// at most n.
func statefulSetUnavailable(unavail intstr.IntOrString, n int32) int32 {
	u, err := intstr.GetScaledValueFromIntOrPercent(&unavail, int(n), false)
	if err != nil || u < 1 {
		u = 1
	}
	return min(int32(u), n)
}

// transition is what Kubernetes does to go from stage a to stage b.
func transition(a, b *compiled) *Transition {
	t := &Transition{Moves: []Move{}}
	before := workloads(a)
	bounds := rollouts(b) // a new template's, for the workloads that roll
	after := workloads(b)
	for _, w := range a.res.Plan.Workloads {
		if _, ok := after[w.Name]; !ok {
			m := Move{Workload: w.Name, Kind: a.r.WorkloadKind(), Action: ActDelete, From: before[w.Name], Peak: before[w.Name]}
			t.add(m)
		}
	}
	for _, w := range b.res.Plan.Workloads {
		from, existed := before[w.Name]
		to := after[w.Name]
		m := Move{Workload: w.Name, Kind: b.r.WorkloadKind(), From: from, To: to, Peak: max(from, to), Floor: min(from, to)}
		switch was := untilDeleted(a, w.Name); {
		case !existed:
			m.Action, m.Floor = ActCreate, 0
		case was != "" && untilDeleted(b, w.Name) != was:
			// onDelete's pods run the old version until deleted, whatever
			// the spec says (a promotion's): the apply replaces none.
			m.Action, m.Version, m.Was = ActDeleteByHand, w.Version.Version, was
			m.Replaced = replacedPods(a, b, w.Name)
			m.Floor = max(0, to-1)
			t.PerNode = t.PerNode || b.r.WorkloadKind() == release.WorkloadDaemonSet
		case a.templates[w.Name] != b.templates[w.Name] && release.InPlace(b.r.Strategy.Kind()):
			// A partitioned or onDelete update: the new template replaces
			// only the pods the partition (or a deletion) lets it.
			if replaced := replacedPods(a, b, w.Name); len(replaced) > 0 {
				m.Action, m.Replaced, m.Floor = ActReplace, replaced, to-1
			}
		case a.templates[w.Name] != b.templates[w.Name]:
			m.Action = ActRoll
			for _, ro := range bounds {
				if ro.Workload == w.Name {
					m.Peak, m.Floor = max(from, ro.Peak), ro.Floor
					t.PerNode = t.PerNode || ro.PerNode
				}
			}
		default:
			if replaced := replacedPods(a, b, w.Name); len(replaced) > 0 {
				// The template is the candidate's already; the partition
				// moved, and the pods above it are replaced one at a time.
				m.Action, m.Replaced, m.Floor = ActReplace, replaced, to-1
			} else if from != to {
				m.Action = ActScale
			}
		}
		if m.Action != "" {
			t.add(m)
			continue
		}
		t.Peak += to
		t.Floor += to
	}
	return t
}

// add counts m in t.
func (t *Transition) add(m Move) {
	t.Moves = append(t.Moves, m)
	t.Peak += m.Peak
	t.Floor += m.Floor
}

// untilDeleted is the version onDelete's pods of workload name run in c
// until each is deleted, "" when none waits for a deletion.
func untilDeleted(c *compiled, name string) string {
	for _, p := range c.pods {
		if p.Workload == name && p.UntilDeleted && p.Count > 0 {
			return p.Version
		}
	}
	return ""
}

// workloads counts each of c's workloads' pods by name.
func workloads(c *compiled) map[string]int32 {
	n := map[string]int32{}
	for _, p := range c.pods {
		n[p.Workload] += p.Count
	}
	return n
}

// replacedPods are the pods of StatefulSet name that run another version
// in b than in a, highest ordinal first, as Kubernetes replaces them: a
// step's, or a rollback's back to stable.
func replacedPods(a, b *compiled, name string) []string {
	before := ordinalVersions(a, name)
	after := ordinalVersions(b, name)
	var out []string
	for i := len(after) - 1; i >= 0; i-- {
		if i < len(before) && before[i] != "" && after[i] != "" && before[i] != after[i] {
			out = append(out, name+"-"+strconv.Itoa(i))
		}
	}
	return out
}

// ordinalVersions is the version each pod of StatefulSet name runs in c,
// by ordinal ("" for none).
func ordinalVersions(c *compiled, name string) []string {
	var vs []string
	for _, p := range c.pods {
		if p.Workload != name {
			continue
		}
		for _, o := range p.Ordinals {
			i, err := strconv.Atoi(o[strings.LastIndexByte(o, '-')+1:])
			if err != nil {
				continue
			}
			for len(vs) <= i {
				vs = append(vs, "")
			}
			vs[i] = p.Version
		}
	}
	return vs
}

// Percent formats a share in percent: whole numbers without decimals.
func Percent(f float64) string {
	if f == float64(int64(f)) {
		return strconv.FormatInt(int64(f), 10) + "%"
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + "%"
}
