package gen

import (
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/istio"
	"github.com/rollspec/rollspec/release"
)

// Object is a compiled Kubernetes or Istio object.
type Object interface {
	metav1.Object
	GetObjectKind() schema.ObjectKind
}

// Result is what compiling one release yields.
type Result struct {
	// Objects in a fixed order: ConfigMaps, workloads (Deployments, or the
	// StatefulSet or DaemonSet), Services,
	// HorizontalPodAutoscalers, PodDisruptionBudgets (each in the
	// Deployments' order), DestinationRule, Gateway, VirtualService.
	Objects []Object
	// Plan is what the strategy decided, for tests and explanations.
	Plan *Plan
	// Diagnostics about the release: warnings (a native canary's
	// effective weight), and errors compile fails on (every request routed
	// to a version that runs no pods).
	Diagnostics diag.List
}

// Generator decides how one strategy runs a release.
type Generator interface {
	// Kind is the strategy's name in the spec, e.g. "canary".
	Kind() string
	// Plan decides workloads, Services and routes for r.
	Plan(r *release.Release) (*Plan, diag.List, error)
}

// generators by strategy kind.
var generators = map[string]Generator{}

func register(g Generator) { generators[g.Kind()] = g }

func init() {
	for _, g := range []Generator{recreate{}, ramped{}, blueGreen{}, canary{}, abTest{}, shadow{}, partitioned{}, onDelete{}} {
		register(g)
	}
}

// Compile compiles r. r must have been validated (package load); an error
// here means r was not.
func Compile(r *release.Release) (*Result, error) {
	p, warns, err := plan(r)
	if err != nil {
		return nil, err
	}
	objs, err := assemble(r, p)
	if err != nil {
		return nil, err
	}
	warns = append(warns, unserved(r, p)...)
	warns = append(warns, undersized(r, p)...)
	return &Result{Objects: objs, Plan: p, Diagnostics: append(warns, unrouted(r, p)...)}, nil
}

// plan is r's strategy's plan.
func plan(r *release.Release) (*Plan, diag.List, error) {
	kind := r.Strategy.Kind()
	g, ok := generators[kind]
	if !ok {
		return nil, nil, fmt.Errorf("strategy: unknown %q (allowed: %v)", kind, release.Kinds)
	}
	p, warns, err := g.Plan(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", kind, err)
	}
	if r.Workload == release.WorkloadStatefulSet {
		if !r.LoadBalanced() {
			p.Services = slices.DeleteFunc(p.Services, func(s ServicePlan) bool { return s.Name == r.Name })
		}
		// The governing Service gives each pod its DNS name.
		p.Services = append(p.Services, ServicePlan{Name: r.GoverningService(), Headless: true})
	}
	return p, warns, nil
}

// unrouted warns about ports whose traffic Istio cannot split by version
// as the routes do: rollspec routes HTTP ports with http routes and other
// TCP ports with tcp routes, but a TLS port needs tls routes by SNI host,
// and Istio does not proxy UDP or SCTP. Their traffic goes through the
// Service to every version's pods.
func unrouted(r *release.Release, p *Plan) diag.List {
	twoVersions := len(p.Workloads) >= 2 || release.InPlace(r.Strategy.Kind()) && r.Candidate != nil
	if p.Routes == nil || !p.Routes.Subsets || !twoVersions {
		return nil // one version runs: every pod is the right one
	}
	var warns diag.List
	for i, port := range r.Ports {
		at := fieldpath.Ports.At(i)
		switch {
		case !port.Exposed():
			// Off the Services: only the pod's neighbours reach it.
		case port.Protocol != "TCP":
			warns = append(warns, warning(at.Protocol, fmt.Sprintf("Istio does not route %s: traffic to port %s reaches every version's pods, whatever the strategy (allowed: TCP ports, or serve it from a release of its own)", port.Protocol, port.Name)))
		case istio.TLSPort(istio.Protocol(port.Name, port.AppProtocol)):
			named := at.Name
			if port.AppProtocol != "" {
				named = at.AppProtocol // Istio reads it before the name
			}
			warns = append(warns, warning(named, fmt.Sprintf("Istio routes TLS port %s by SNI host, which rollspec does not compile: its connections reach every version's pods (allowed: an http, grpc or tcp port name; a tcp- port's connections are split like the requests)", port.Name)))
		}
	}
	return warns
}

// unserved reports traffic sent to a version that runs no pods: a weight
// or a match routed to a subset with 0 replicas, or a version-only
// Service (blue-green's active one) selecting none. Those requests fail:
// all of them (a weight of 100 with no match, the Service) is an error, a
// share of them a warning.
func unserved(r *release.Release, p *Plan) diag.List {
	if len(p.Workloads) < 2 {
		return nil // one version scaled to zero is a choice, not a mistake
	}
	empty := map[string]bool{}
	for _, w := range p.Workloads {
		if w.Replicas == 0 {
			empty[w.Role] = true
		}
	}
	const allowed = " (allowed: replicas above 0 for a version that takes traffic)"
	var list diag.List
	if rt := p.Routes; rt != nil && rt.Subsets {
		for _, d := range rt.Default {
			if d.Weight == 0 || !empty[d.Role] {
				continue
			}
			at := replicasField(r, d.Role)
			switch {
			case len(rt.Match) > 0:
				list = append(list, warning(at, fmt.Sprintf("the %s version runs 0 pods but receives %d%% of the requests no match selects, which fail"+allowed, d.Role, d.Weight)))
			case d.Weight == 100:
				list = append(list, problem(at, fmt.Sprintf("the %s version runs 0 pods but receives every request: all of them fail"+allowed, d.Role)))
			default:
				list = append(list, warning(at, fmt.Sprintf("the %s version runs 0 pods but receives %d%% of requests, which fail"+allowed, d.Role, d.Weight)))
			}
		}
		if len(rt.Match) > 0 && empty[release.RoleCandidate] {
			list = append(list, warning(replicasField(r, release.RoleCandidate), "the candidate runs 0 pods but receives the requests its match selects, which fail"+allowed))
		}
		if m := rt.Mirror; m != nil && empty[m.Role] {
			// Mirrored responses are discarded, so nothing fails for users,
			// and nothing is tested either.
			list = append(list, warning(replicasField(r, m.Role), fmt.Sprintf("the %s version runs 0 pods, so the requests mirrored to it reach nothing and the shadow test observes nothing (allowed: replicas above 0 for a version that receives mirrored traffic)", m.Role)))
		}
		return list
	}
	for _, s := range p.Services {
		if s.Role != "" && !s.Preview && empty[s.Role] {
			list = append(list, problem(replicasField(r, s.Role), fmt.Sprintf("Service %s sends every request to the %s version, which runs 0 pods: all of them fail"+allowed, s.Name, s.Role)))
		}
	}
	return list
}

// replicasField is the spec field setting role's replicas: its own, or the
// release's.
func replicasField(r *release.Release, role string) fieldpath.Path {
	for _, m := range r.Versions() {
		if m.Role == role && m.Version.Replicas != nil {
			return fieldpath.Role(role).Replicas
		}
	}
	return fieldpath.Replicas
}

// warning is a warning about the spec field at; compile positions it
// there.
func warning(at fieldpath.Path, text string) *diag.Diagnostic {
	return &diag.Diagnostic{Severity: diag.Warning, Field: at.String(), Text: text}
}

// problem is an error about the spec field at, which fails the compile;
// compile positions it there.
func problem(at fieldpath.Path, text string) *diag.Diagnostic {
	return &diag.Diagnostic{Severity: diag.Error, Field: at.String(), Text: text}
}

// undersized warns when one version takes all traffic with fewer pods
// than the other keeps idle: a canary's last step, or blue-green's flip,
// onto a candidate still at the size of a trial, or a rollback onto a
// stable scaled down meanwhile. It is likely overloaded while the
// capacity sits in pods that get nothing.
func undersized(r *release.Release, p *Plan) diag.List {
	if len(p.Workloads) != 2 {
		return nil
	}
	pods := map[string]int32{}
	for _, w := range p.Workloads {
		pods[w.Role] = w.Replicas
	}
	all := "" // the role taking every request
	if rt := p.Routes; rt != nil && rt.Subsets {
		if len(rt.Match) == 0 && rt.Mirror == nil {
			for _, d := range rt.Default {
				if d.Weight == 100 {
					all = d.Role
				}
			}
		}
	} else {
		for _, s := range p.Services {
			if s.Role != "" && !s.Preview {
				all = s.Role
			}
		}
	}
	idle := release.RoleStable
	if all == release.RoleStable {
		idle = release.RoleCandidate
	}
	if all == "" || pods[all] == 0 || pods[all] >= pods[idle] {
		return nil // no version takes it all, or 0 pods (unserved says so)
	}
	return diag.List{warning(replicasField(r, all), fmt.Sprintf("the %s version takes every request with %s while %s keeps %d that get none (allowed: at least as many pods as %s before it takes all traffic)", all, diag.Count(pods[all], "pod"), idle, pods[idle], idle))}
}
