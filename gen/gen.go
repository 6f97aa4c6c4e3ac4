package gen

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/rollspec/rollspec/release"
)

// Object is a compiled Kubernetes or Istio object.
type Object interface {
	metav1.Object
	GetObjectKind() schema.ObjectKind
}

// Warning is a problem that does not stop compilation, at a spec field.
type Warning struct {
	Field string
	Text  string
}

// Result is what compiling one release yields.
type Result struct {
	// Objects in a fixed order: ConfigMaps, Deployments, Services,
	// DestinationRule, Gateway, VirtualService.
	Objects []Object
	// Plan is what the strategy decided, for tests and explanations.
	Plan *Plan
	// Warnings about the release, e.g. a native canary's effective weight.
	Warnings []Warning
}

// Generator decides how one strategy runs a release.
type Generator interface {
	// Kind is the strategy's name in the spec, e.g. "canary".
	Kind() string
	// Plan decides workloads, Services and routes for r.
	Plan(r *release.Release) (*Plan, []Warning, error)
}

// generators by strategy kind.
var generators = map[string]Generator{}

func register(g Generator) { generators[g.Kind()] = g }

func init() {
	for _, g := range []Generator{recreate{}, ramped{}, blueGreen{}, canary{}, abTest{}, shadow{}} {
		register(g)
	}
}

// Compile compiles r. r must have been validated (package load); an error
// here means r was not.
func Compile(r *release.Release) (*Result, error) {
	kind := r.Strategy.Kind()
	g, ok := generators[kind]
	if !ok {
		return nil, fmt.Errorf("strategy: unknown %q (allowed: %v)", kind, release.Kinds)
	}
	p, warns, err := g.Plan(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	objs, err := assemble(r, p)
	if err != nil {
		return nil, err
	}
	return &Result{Objects: objs, Plan: p, Warnings: warns}, nil
}
