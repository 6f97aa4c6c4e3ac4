package gen

import (
	appsv1 "k8s.io/api/apps/v1"

	"github.com/rollspec/rollspec/release"
)

// Plan is a strategy's decision for one release, before objects exist.
type Plan struct {
	// Workloads are the Deployments, stable first.
	Workloads []Workload
	// Services are the Services, the main one first.
	Services []ServicePlan
	// Routes is the Istio HTTP routing, nil when Istio does not route.
	Routes *Routes
}

// Workload is one workload (a Deployment, or the StatefulSet or
// DaemonSet) running one version's pod template.
type Workload struct {
	// Name of the Deployment.
	Name string
	// Role is release.RoleStable or release.RoleCandidate.
	Role string
	// Version runs in the Deployment's pods.
	Version *release.Version
	// Replicas of the Deployment.
	Replicas int32
	// SelectVersion puts the version label in the Deployment's selector:
	// true when two versions run side by side, false when one Deployment
	// replaces its version in place (its selector is immutable).
	SelectVersion bool
	// Strategy is the Deployment's update strategy; zero means the
	// Kubernetes default.
	Strategy appsv1.DeploymentStrategy
}

// ServicePlan is one Service and the pods it selects.
type ServicePlan struct {
	// Name of the Service.
	Name string
	// Role selects only that version's pods; "" selects every version.
	Role string
	// Preview marks the Service for the idle blue-green version.
	Preview bool
	// Headless marks a StatefulSet's governing Service (no cluster IP):
	// it gives each pod a DNS name of its own.
	Headless bool
}

// Routes is Istio HTTP routing between the versions' subsets.
type Routes struct {
	// Match sends requests matching any entry to the candidate subset.
	Match []release.Match
	// Default destinations with weights in percent, summing to 100.
	Default []Weighted
	// Mirror copies Percent of requests to the subset Role, if set.
	Mirror *Mirror
	// Subsets is whether routes name version subsets; a single-version
	// release routes to the Service host alone.
	Subsets bool
	// AllPods: the routes send every request to the Service host, balanced
	// over every ready pod of either version, while the DestinationRule
	// keeps its subsets (a partitioned step whose pods move: routed:
	// false).
	AllPods bool
}

// Weighted is a route destination subset and its weight in percent.
type Weighted struct {
	Role   string
	Weight int32
}

// Mirror is shadow traffic to a subset.
type Mirror struct {
	Role    string
	Percent float64
}

// versionWorkloads returns one Deployment per version in play, each
// selecting its own version, with the release's or the version's replicas.
func versionWorkloads(r *release.Release) []Workload {
	var ws []Workload
	for _, m := range r.Versions() {
		ws = append(ws, Workload{
			Name:          r.Name + "-" + release.Slug(m.Version.Version),
			Role:          m.Role,
			Version:       m.Version,
			Replicas:      replicas(r, m.Version),
			SelectVersion: true,
		})
	}
	return ws
}

// replicas is the version's own replica count, else the release's; with
// an autoscaler, its minReplicas (the count the autoscaler starts from,
// which the plan's warnings reason with; the Deployment leaves replicas
// to the autoscaler).
func replicas(r *release.Release, v *release.Version) int32 {
	if r.Autoscaler != nil {
		return r.MinReplicas(v)
	}
	if v.Replicas != nil {
		return *v.Replicas
	}
	return r.Replicas
}

// mainService is the Service named after the release selecting role ("" for all).
func mainService(r *release.Release, role string) ServicePlan {
	return ServicePlan{Name: r.Name, Role: role}
}

// hostRoutes routes the external host to the single version, or nil when
// there is no host: a single-version release needs Istio only for a
// Gateway.
func hostRoutes(r *release.Release) *Routes {
	if r.Traffic != release.TrafficIstio || r.Host == "" {
		return nil
	}
	return &Routes{Default: []Weighted{{Role: release.RoleStable, Weight: 100}}}
}

// steadyRoutes sends all traffic to stable: the routing of a two-version
// strategy before a candidate exists.
func steadyRoutes() *Routes {
	return &Routes{Subsets: true, Default: []Weighted{{Role: release.RoleStable, Weight: 100}}}
}
