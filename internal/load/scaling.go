package load

import (
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// autoscaler checks the HorizontalPodAutoscaler against the rest of the
// release: it needs a metric and requests to measure utilization by, it
// alone decides replicas, and a native canary cannot have one.
func (c *checker) autoscaler() {
	as, at := c.r.Autoscaler, fieldpath.Autoscaler
	if !c.wrote(at.Path) || c.r.WorkloadKind() == release.WorkloadDaemonSet || c.r.Strategy.Partitioned != nil {
		return // workload() refuses them
	}
	// These hold however the autoscaler is written.
	for _, f := range []fieldpath.Path{fieldpath.Replicas, fieldpath.Stable.Replicas, fieldpath.Candidate.Replicas} {
		if c.wrote(f) {
			c.fail(f, "the autoscaler decides replicas (allowed: autoscaler.minReplicas and autoscaler.maxReplicas)")
		}
	}
	if c.ok(fieldpath.Strategy.Path, fieldpath.Traffic) && c.r.Strategy.Kind() == release.KindCanary && c.r.Traffic == release.TrafficNative {
		c.fail(at.Path, "a native canary's traffic share is its share of pods, which the autoscaler would change (allowed: an autoscaler with traffic: \"istio\", whose weights are independent of scale)")
	}
	if as == nil || !c.ok(at.Path) {
		return
	}
	if as.MaxReplicas < as.MinReplicas {
		c.fail(at.MaxReplicas, "%d is below minReplicas (%d) (allowed: at least minReplicas)", as.MaxReplicas, as.MinReplicas)
	}
	if as.TargetCPUUtilizationPercentage == nil && as.TargetMemoryUtilizationPercentage == nil && len(as.Metrics) == 0 {
		c.fail(at.Path, "has no metric to scale by, so it would never change the replicas (allowed: targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage or metrics)")
	}
	if c.ok(fieldpath.Resources.Path) {
		for _, t := range []struct {
			at      fieldpath.Path
			percent *int32
			name    string
		}{{at.TargetCPUUtilizationPercentage, as.TargetCPUUtilizationPercentage, "cpu"}, {at.TargetMemoryUtilizationPercentage, as.TargetMemoryUtilizationPercentage, "memory"}} {
			if _, ok := c.requests()[t.name]; t.percent != nil && !ok {
				c.fail(t.at, "is a percentage of the container's %[1]s request, which is not set: the autoscaler cannot compute it and never scales (allowed: with resources.requests.%[1]s)", t.name)
			}
		}
	}
}

// versionAutoscalers checks each version's own autoscaler minimum: it
// sizes the release's autoscaler for that version's Deployment, so it
// needs one, within its maxReplicas.
func (c *checker) versionAutoscalers() {
	for _, v := range []struct {
		at fieldpath.VersionFields
		v  *release.Version
	}{{fieldpath.Stable, &c.r.Stable}, {fieldpath.Candidate, c.r.Candidate}} {
		if v.v == nil || v.v.Autoscaler == nil || !c.ok(v.at.Path) {
			continue
		}
		as := c.r.Autoscaler
		switch {
		case as == nil:
			c.fail(v.at.MinReplicas, "sizes the release's autoscaler, which is not set (allowed: with autoscaler)")
		case c.ok(fieldpath.Autoscaler.Path) && v.v.Autoscaler.MinReplicas > as.MaxReplicas:
			c.fail(v.at.MinReplicas, "%d is above autoscaler.maxReplicas (%d) (allowed: at most autoscaler.maxReplicas)", v.v.Autoscaler.MinReplicas, as.MaxReplicas)
		}
	}
}

// requests are the container's resource requests, if any.
func (c *checker) requests() map[string]bool {
	m := map[string]bool{}
	if res := c.r.Resources; res != nil {
		for k := range res.Requests {
			m[k] = true
		}
	}
	return m
}

// budget checks the PodDisruptionBudget sets exactly one of minAvailable
// and maxUnavailable; whether it lets each Deployment lose a pod is
// checked where the Deployments' pods are counted (internal/compile).
func (c *checker) budget() {
	b, at := c.r.PodDisruptionBudget, fieldpath.PodDisruptionBudget
	if b == nil || !c.ok(at.Path) {
		return
	}
	if (b.MinAvailable == nil) == (b.MaxUnavailable == nil) {
		set := "neither"
		if b.MinAvailable != nil {
			set = "both"
		}
		c.fail(at.Path, "sets %s of minAvailable and maxUnavailable (allowed: exactly one)", set)
	}
}

// showIntOrPercent writes a count as a number and a percentage quoted,
