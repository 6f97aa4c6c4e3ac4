// Package fieldpath names the fields of a release that rollspec's code refers
// to — where it reports a problem, positions a warning or asks which
// fields are sound — each once, spelt as the schema (schema/release.cue)
// spells it.
//
// A Path is a struct, so no string converts to one: code cannot name a
// field with a string literal, where a misspelling would go unnoticed
// (load.Spec.Pos falls back to an enclosing field's position). Only this
// package builds paths: the fixed ones while it initialises, and each
// list's and map's elements from a sample built then too (index 0, sample
// keys, both version roles), so every path it can build is known.
// TestPathsInSchema looks each of them up in #Release.
package fieldpath

import (
	"strconv"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/release"
)

// Path is where a field is in a release, as cue.Path writes it and
// diagnostics name it: strategy.canary.steps[0],
// labels."app.kubernetes.io/name".
type Path struct{ s string }

// Root is the release itself, the empty path: load.Spec.Pos(Root) is
// where the release starts.
var Root Path

// String is the path as diagnostics print it and load indexes positions.
func (p Path) String() string { return p.s }

// Of is the path a diagnostic names in its Field: the generators' warnings
// travel as diagnostics until compile positions them by it.
func Of(d *diag.Diagnostic) Path { return Path{d.Field} }

// made records every path built while the package initialises: the fixed
// paths, and the sample elements of lists and maps. TestPathsInSchema
// looks each up in the schema. Paths built later, for a real index or
// key, are shaped like a sample and not recorded.
var (
	made        []Path
	initialised bool
)

func init() { initialised = true }

// child is p followed by elem, an element as cue.Path writes it with its
// separator.
func (p Path) child(elem string) Path {
	c := Path{p.s + elem}
	if !initialised {
		made = append(made, c)
	}
	return c
}

// dot is p's field name; name is written in the schema as an identifier.
func (p Path) dot(name string) Path {
	if p.s == "" {
		return p.child(name)
	}
	return p.child("." + name)
}

// index is the element i of the list at p.
func (p Path) index(i int) Path { return p.child("[" + strconv.Itoa(i) + "]") }

// key is the entry k of the map at p, quoted unless an identifier.
func (p Path) key(k string) Path { return p.dot(quote(k)) }

// Key is the entry k of the map at p (a user's map, such as
// podAnnotations, whose keys the code does not name).
func (p Path) Key(k string) Path { return p.key(k) }

// quote writes a map key as a cue.Path element: bare when it is an
// identifier (letters, digits, '_' and '$', not starting with a digit),
// else as a Go-quoted string.
func quote(k string) string {
	for i := 0; i < len(k); i++ {
		c := k[i]
		ident := c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9'
		if !ident {
			return strconv.Quote(k)
		}
	}
	if k == "" {
		return strconv.Quote(k)
	}
	return k
}

// List is a list field whose elements have the fields of E.
type List[E any] struct {
	Path
	elem func(Path) E
}

// At is the element at index i, counted from 0.
func (l List[E]) At(i int) E { return l.elem(l.index(i)) }

// list is the list at p; building its element 0 records the element's
// fields.
func list[E any](p Path, elem func(Path) E) List[E] {
	elem(p.index(0))
	return List[E]{p, elem}
}

// Map is a map field — a struct whose keys the user picks, such as labels
// or env — whose values have the fields of E.
type Map[E any] struct {
	Path
	elem func(Path) E
}

// Key is the entry of key k.
func (m Map[E]) Key(k string) E { return m.elem(m.key(k)) }

// mapOf is the map at p; building its entries of the sample keys records
// the entries' fields. The samples are keys the schema allows there.
func mapOf[E any](p Path, elem func(Path) E, samples ...string) Map[E] {
	for _, k := range samples {
		elem(p.key(k))
	}
	return Map[E]{p, elem}
}

// leaf is the elements of a list or map of scalars: the element itself.
func leaf(p Path) Path { return p }

// The fields of a release the code names. Group types (PortFields,
// StrategyFields, …) are fields with fields below: their embedded Path is
// the group itself, as in Strategy.Path.
var (
	// Name is the release's name, which every object's name derives from.
	Name = Root.dot("name")
	// Labels are the user's labels; some keys are rollspec's own.
	Labels = mapOf(Root.dot("labels"), leaf, release.LabelName)
	// Annotations are the user's annotations, limited in size.
	Annotations = Root.dot("annotations")
	// Image is the release's image repository.
	Image = Root.dot("image")
	// Ports are the container's ports; Istio routes the first.
	Ports = list(Root.dot("ports"), port)
	// Workload is the kind of workload the pods run in.
	Workload = Root.dot("workload")
	// StatefulSet is what only a StatefulSet has.
	StatefulSet = statefulSet(Root.dot("statefulSet"))
	// Replicas is the release's replica count.
	Replicas = Root.dot("replicas")
	// Env is the container's environment.
	Env = mapOf(Root.dot("env"), leaf, "GREETING")
	// Resources are the container's requests and limits.
	Resources = resources(Root.dot("resources"))
	// ReadinessProbe is the pods' readiness probe.
	ReadinessProbe = probe(Root.dot("readinessProbe"))
	// LivenessProbe and StartupProbe are the other probes in short form.
	LivenessProbe, StartupProbe = probe(Root.dot("livenessProbe")), probe(Root.dot("startupProbe"))
	// Container is the main container's Kubernetes fields.
	Container = Kube{Root.dot("container")}
	// Pod is the pod's Kubernetes fields.
	Pod = Kube{Root.dot("pod")}
	// PodAnnotations go on the pods only.
	PodAnnotations = Root.dot("podAnnotations")
	// RunAsUser is the pods' numeric user id.
	RunAsUser = Root.dot("runAsUser")
	// ImagePullPolicy is the main container's pull policy.
	ImagePullPolicy = Root.dot("imagePullPolicy")
	// ConfigPath is where config is mounted as files.
	ConfigPath = Root.dot("configPath")
	// PodSecurity is the level every compiled pod satisfies.
	PodSecurity = Root.dot("podSecurity")
	// MinReadySeconds must stay below ProgressDeadlineSeconds.
	MinReadySeconds = Root.dot("minReadySeconds")
	// ProgressDeadlineSeconds bounds MinReadySeconds.
	ProgressDeadlineSeconds = Root.dot("progressDeadlineSeconds")
	// Config is the release's config, limited by a ConfigMap's size.
	Config = Root.dot("config")
	// ChangeCause is the change-cause annotation's value.
	ChangeCause = Root.dot("changeCause")
	// Stable is the version serving users; see Role.
	Stable = version(Root.dot("stable"))
	// Candidate is the version being released; see Role.
	Candidate = version(Root.dot("candidate"))
	// Service is the Service's settings.
	Service = service(Root.dot("service"))
	// Host is the external host name.
	Host = Root.dot("host")
	// GatewaySelector selects the gateway pods of the Gateway rollspec
	// compiles.
	GatewaySelector = Root.dot("gatewaySelector")
	// Gateway is an existing Gateway to bind host to.
	Gateway = Root.dot("gateway")
	// TLS is HTTPS on the compiled Gateway.
	TLS = tls(Root.dot("tls"))
	// Traffic is who splits traffic: native or istio.
	Traffic = Root.dot("traffic")
	// Strategy is the release strategy and its settings.
	Strategy = strategy(Root.dot("strategy"))
	// Autoscaler is the HorizontalPodAutoscaler of each Deployment.
	Autoscaler = autoscaler(Root.dot("autoscaler"))
	// PodDisruptionBudget is the PodDisruptionBudget of each Deployment.
	PodDisruptionBudget = budget(Root.dot("podDisruptionBudget"))
)

// Role is the version playing role (release.RoleStable or
// RoleCandidate): a version's field is named after its role, so
// diagnostics about either version are written once.
func Role(role string) VersionFields {
	switch role {
	case release.RoleStable:
		return Stable
	case release.RoleCandidate:
		return Candidate
	}
	panic("fieldpath: no version plays the role " + strconv.Quote(role))
}

// Stepped are the fields of s's strategy that moves in steps: canary's,
// or partitioned's.
func Stepped(s release.Strategy) CanaryFields {
	if s.Partitioned != nil {
		return Strategy.Partitioned
	}
	return Strategy.Canary
}

// PortFields are the fields of one port.
type PortFields struct {
	Path
	// Name, ContainerPort, ServicePort and NodePort are each unique
	// among the ports (per protocol for the numbers).
	Name, ContainerPort, ServicePort, NodePort Path
	// Protocol decides whether Istio can route the port.
	Protocol Path
	// HostPort binds the port on the node (a DaemonSet's).
	HostPort Path
	// Service is false for a port kept off the Services.
	Service Path
	// AppProtocol is the port's application protocol on the Services.
	AppProtocol Path
}

func port(p Path) PortFields {
	return PortFields{Path: p, Name: p.dot("name"), ContainerPort: p.dot("containerPort"),
		ServicePort: p.dot("servicePort"), NodePort: p.dot("nodePort"), Protocol: p.dot("protocol"), Service: p.dot("service"),
		AppProtocol: p.dot("appProtocol"), HostPort: p.dot("hostPort")}
}

// VersionFields are the fields of the stable or the candidate version.
type VersionFields struct {
	Path
	// Version is the version label, which names objects.
	Version Path
	// Tag is the image tag.
	Tag Path
	// Digest pins the image's content.
	Digest Path
	// Image is the version's own image repository.
	Image Path
	// Replicas is the version's own replica count.
	Replicas Path
	// MinReplicas is the version's own autoscaler minimum
	// (autoscaler.minReplicas).
	MinReplicas Path
	// Env is the version's own environment entries.
	Env Map[Path]
	// Config is the version's own config entries.
	Config Path
	// Container and Pod are the version's own Kubernetes fields.
	Container, Pod Kube
}

func version(p Path) VersionFields {
	return VersionFields{Path: p, Version: p.dot("version"), Tag: p.dot("tag"), Digest: p.dot("digest"), Image: p.dot("image"),
		Replicas: p.dot("replicas"), MinReplicas: p.dot("autoscaler").dot("minReplicas"), Env: mapOf(p.dot("env"), leaf, "GREETING"), Config: p.dot("config"),
		Container: Kube{p.dot("container")}, Pod: Kube{p.dot("pod")}}
}

// Kube is a section written in Kubernetes' own shape (a pod, a
// container): below it the fields are Kubernetes', and their paths the
// user's, as internal/kubetype finds them.
type Kube struct{ Path }

// Below is the field at rel below k, rel written as cue.Path writes it
// (volumes[0].name); "" is k itself.
func (k Kube) Below(rel string) Path {
	switch {
	case rel == "":
		return k.Path
	case rel[0] == '[':
		return Path{k.s + rel}
	}
	return Path{k.s + "." + rel}
}

// ResourcesFields are the container's requests and limits, each a map
// from a resource name (cpu, memory, ephemeral-storage) to a quantity.
type ResourcesFields struct {
	Path
	// Requests and Limits are keyed by resource name.
	Requests, Limits Map[Path]
}

func resources(p Path) ResourcesFields {
	list := func(p Path) Map[Path] { return mapOf(p, leaf, "cpu", "memory", "ephemeral-storage") }
	return ResourcesFields{Path: p, Requests: list(p.dot("requests")), Limits: list(p.dot("limits"))}
}

// ProbeFields are the fields of the readiness probe.
type ProbeFields struct {
	Path
	// HTTP and TCP connect to a port.
	HTTP, TCP ProbeHandlerFields
}

// ProbeHandlerFields are the fields of a probe that connects to a port.
type ProbeHandlerFields struct {
	Path
	// Port is the port probed, the first one when unset.
	Port Path
}

func probe(p Path) ProbeFields {
	handler := func(p Path) ProbeHandlerFields { return ProbeHandlerFields{Path: p, Port: p.dot("port")} }
	return ProbeFields{Path: p, HTTP: handler(p.dot("http")), TCP: handler(p.dot("tcp"))}
}

// ServiceFields are the Service's settings.
type ServiceFields struct {
	Path
	// Type is the Service's type.
	Type Path
	// Annotations go on the Services only.
	Annotations Path
	// Spec is more of the Services' fields, in Kubernetes' shape.
	Spec Kube
}

func service(p Path) ServiceFields {
	return ServiceFields{Path: p, Type: p.dot("type"), Annotations: p.dot("annotations"), Spec: Kube{p.dot("spec")}}
}

// TLSFields are the compiled Gateway's HTTPS settings.
type TLSFields struct {
	Path
	// CredentialName is the certificate's Secret.
	CredentialName Path
}

func tls(p Path) TLSFields { return TLSFields{Path: p, CredentialName: p.dot("credentialName")} }

// StrategyFields are the strategy and the settings of each kind.
type StrategyFields struct {
	Path
	// Ramped, BlueGreen, Canary and ABTest are the settings the code
	// checks.
	Ramped    RampedFields
	BlueGreen BlueGreenFields
	Canary    CanaryFields
	ABTest    ABTestFields
	// Partitioned are a StatefulSet's staged update's settings; its steps
	// and step are checked as a canary's are.
	Partitioned CanaryFields
	// PartitionedRouted says whether the routes follow a partitioned
	// update's step yet (Istio: pods first, then routes).
	PartitionedRouted Path
	// OnDelete is the strategy that replaces no pod.
	OnDelete Path
	// Kinds are each strategy's field, by its kind (release.Kinds).
	Kinds map[string]Path
}

// RampedFields are a rolling update's settings.
type RampedFields struct {
	Path
	// MaxSurge and MaxUnavailable are not both zero.
	MaxSurge, MaxUnavailable Path
}

// BlueGreenFields are blue-green's settings.
type BlueGreenFields struct {
	Path
	// Active is the version the main Service selects.
	Active Path
}

// CanaryFields are a canary's settings.
type CanaryFields struct {
	Path
	// Steps are the candidate's weights, one per step.
	Steps List[Path]
	// Step is the current step, counted from 1.
	Step Path
}

// ABTestFields are an A/B test's settings.
type ABTestFields struct {
	Path
	// Match lists the conditions that select the candidate.
	Match List[MatchFields]
}

// MatchFields are one A/B test condition set.
type MatchFields struct {
	Path
	// Headers and QueryParams are keyed by header and parameter name.
	Headers, QueryParams Map[StringMatchFields]
}

// StringMatchFields are the fields of one string match.
type StringMatchFields struct {
	Path
	// Regex is an RE2 regular expression.
	Regex Path
}

func strategy(p Path) StrategyFields {
	ramped := p.dot("ramped")
	blueGreen := p.dot("blueGreen")
	canary := p.dot("canary")
	abTest := p.dot("abTest")
	partitioned := p.dot("partitioned")
	kinds := map[string]Path{}
	for _, k := range release.Kinds {
		kinds[k] = p.dot(k)
	}
	stringMatch := func(p Path) StringMatchFields { return StringMatchFields{Path: p, Regex: p.dot("regex")} }
	match := func(p Path) MatchFields {
		return MatchFields{Path: p, Headers: mapOf(p.dot("headers"), stringMatch, "cookie"),
			QueryParams: mapOf(p.dot("queryParams"), stringMatch, "variant")}
	}
	return StrategyFields{
		Path:        p,
		Ramped:      RampedFields{Path: ramped, MaxSurge: ramped.dot("maxSurge"), MaxUnavailable: ramped.dot("maxUnavailable")},
		BlueGreen:   BlueGreenFields{Path: blueGreen, Active: blueGreen.dot("active")},
		Canary:      CanaryFields{Path: canary, Steps: list(canary.dot("steps"), leaf), Step: canary.dot("step")},
		ABTest:      ABTestFields{Path: abTest, Match: list(abTest.dot("match"), match)},
		Partitioned: CanaryFields{Path: partitioned, Steps: list(partitioned.dot("steps"), leaf), Step: partitioned.dot("step")},
		OnDelete:    p.dot("onDelete"),
		Kinds:       kinds,

		PartitionedRouted: partitioned.dot("routed"),
	}
}

// StatefulSetFields are a StatefulSet's own settings.
type StatefulSetFields struct {
	Path
	// VolumeClaimTemplates are core/v1 PersistentVolumeClaims.
	VolumeClaimTemplates Kube
	// PodManagementPolicy is fixed when the StatefulSet is created.
	PodManagementPolicy Path
	// ServiceName is fixed when the StatefulSet is created; without
	// LoadBalancedService no Service spreads connections over the pods.
	ServiceName, LoadBalancedService Path
}

func statefulSet(p Path) StatefulSetFields {
	return StatefulSetFields{Path: p, VolumeClaimTemplates: Kube{p.dot("volumeClaimTemplates")}, PodManagementPolicy: p.dot("podManagementPolicy"), ServiceName: p.dot("serviceName"), LoadBalancedService: p.dot("loadBalancedService")}
}

// AutoscalerFields are the HorizontalPodAutoscaler's settings.
type AutoscalerFields struct {
	Path
	// MinReplicas and MaxReplicas bound each Deployment's pods.
	MinReplicas, MaxReplicas Path
	// TargetCPUUtilizationPercentage and TargetMemoryUtilizationPercentage
	// are relative to the container's requests.
	TargetCPUUtilizationPercentage, TargetMemoryUtilizationPercentage Path
	// Metrics and Behavior are Kubernetes' own types, passed through.
	Metrics, Behavior Path
}

func autoscaler(p Path) AutoscalerFields {
	return AutoscalerFields{Path: p, MinReplicas: p.dot("minReplicas"), MaxReplicas: p.dot("maxReplicas"),
		TargetCPUUtilizationPercentage:    p.dot("targetCPUUtilizationPercentage"),
		TargetMemoryUtilizationPercentage: p.dot("targetMemoryUtilizationPercentage"),
		Metrics:                           p.dot("metrics"), Behavior: p.dot("behavior")}
}

// BudgetFields are the PodDisruptionBudget's settings.
type BudgetFields struct {
	Path
	// MinAvailable and MaxUnavailable: exactly one is set.
	MinAvailable, MaxUnavailable Path
}

func budget(p Path) BudgetFields {
	return BudgetFields{Path: p, MinAvailable: p.dot("minAvailable"), MaxUnavailable: p.dot("maxUnavailable")}
}
