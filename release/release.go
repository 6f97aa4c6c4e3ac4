package release

import (
	"encoding/json"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Release is one application's release, as written in a spec and completed
// with the schema's defaults.
type Release struct {
	Name                    string            `json:"name"`
	Namespace               string            `json:"namespace"`
	Labels                  map[string]string `json:"labels,omitempty"`
	Annotations             map[string]string `json:"annotations,omitempty"`
	PodAnnotations          map[string]string `json:"podAnnotations,omitempty"`
	Image                   string            `json:"image,omitempty"`
	Ports                   []Port            `json:"ports"`
	Workload                string            `json:"workload,omitempty"`
	StatefulSet             *StatefulSet      `json:"statefulSet,omitempty"`
	Replicas                int32             `json:"replicas"`
	Env                     map[string]string `json:"env,omitempty"`
	Resources               *Resources        `json:"resources,omitempty"`
	ReadinessProbe          *Probe            `json:"readinessProbe,omitempty"`
	LivenessProbe           *Probe            `json:"livenessProbe,omitempty"`
	StartupProbe            *Probe            `json:"startupProbe,omitempty"`
	Container               json.RawMessage   `json:"container,omitempty"`
	Pod                     json.RawMessage   `json:"pod,omitempty"`
	MinReadySeconds         int32             `json:"minReadySeconds"`
	ProgressDeadlineSeconds int32             `json:"progressDeadlineSeconds"`
	RevisionHistoryLimit    int32             `json:"revisionHistoryLimit"`
	Config                  map[string]string `json:"config,omitempty"`
	ConfigPath              string            `json:"configPath,omitempty"`
	ChangeCause             string            `json:"changeCause,omitempty"`
	PodSecurity             string            `json:"podSecurity"`
	RunAsUser               *int64            `json:"runAsUser,omitempty"`
	ImagePullPolicy         string            `json:"imagePullPolicy,omitempty"`
	Stable                  Version           `json:"stable"`
	Candidate               *Version          `json:"candidate,omitempty"`
	Service                 Service           `json:"service"`
	Host                    string            `json:"host,omitempty"`
	GatewaySelector         map[string]string `json:"gatewaySelector,omitempty"`
	Gateway                 string            `json:"gateway,omitempty"`
	TLS                     *TLS              `json:"tls,omitempty"`
	Traffic                 string            `json:"traffic"`
	Strategy                Strategy          `json:"strategy"`
	// Autoscaler and PodDisruptionBudget are compiled once per Deployment
	// (release/scaling.go).
	Autoscaler          *Autoscaler          `json:"autoscaler,omitempty"`
	PodDisruptionBudget *PodDisruptionBudget `json:"podDisruptionBudget,omitempty"`
}

// TLS is HTTPS for the external host, terminated at the gateway.
type TLS struct {
	// CredentialName is the TLS Secret in the ingress gateway's namespace.
	CredentialName string `json:"credentialName"`
	// HTTPSRedirect makes port 80 redirect to HTTPS instead of serving.
	HTTPSRedirect bool `json:"httpsRedirect"`
}

// Traffic modes.
const (
	TrafficNative = "native"
	TrafficIstio  = "istio"
)

// Pod security levels.
const (
	PodSecurityRestricted = "restricted"
	PodSecurityBaseline   = "baseline"
	PodSecurityPrivileged = "privileged"
)

// Version is one version of the application.
type Version struct {
	Version  string            `json:"version"`
	Tag      string            `json:"tag,omitempty"`
	Digest   string            `json:"digest,omitempty"`
	Image    string            `json:"image,omitempty"`
	Config   map[string]string `json:"config,omitempty"`
	Env      map[string]string `json:"env,omitempty"`
	Replicas *int32            `json:"replicas,omitempty"`
	// Autoscaler sizes this version's HorizontalPodAutoscaler; nil: the
	// release's autoscaler as written.
	Autoscaler *VersionAutoscaler `json:"autoscaler,omitempty"`
	// Container and Pod override the release's, merged by MergeJSON.
	Container json.RawMessage `json:"container,omitempty"`
	Pod       json.RawMessage `json:"pod,omitempty"`
}

// VersionAutoscaler is what a version changes in the release's
// autoscaler for its own Deployment: a canary's candidate sized for the
// requests it takes at its last step.
type VersionAutoscaler struct {
	// MinReplicas replaces the release's autoscaler.minReplicas.
	MinReplicas int32 `json:"minReplicas"`
}

// MinReplicas is the fewest pods the autoscaler keeps v's Deployment at:
// v's own minimum, else the release's; 0 without an autoscaler.
func (r *Release) MinReplicas(v *Version) int32 {
	switch {
	case r.Autoscaler == nil:
		return 0
	case v != nil && v.Autoscaler != nil:
		return v.Autoscaler.MinReplicas
	}
	return r.Autoscaler.MinReplicas
}

// Port is a named container port and the Service port exposing it.
type Port struct {
	Name          string `json:"name"`
	ContainerPort int32  `json:"containerPort"`
	ServicePort   int32  `json:"servicePort"`
	NodePort      int32  `json:"nodePort,omitempty"`
	// HostPort binds the port on the node too (a DaemonSet's).
	HostPort int32  `json:"hostPort,omitempty"`
	Protocol string `json:"protocol"`
	// AppProtocol is the port's appProtocol on the Services; "" for none.
	AppProtocol string `json:"appProtocol,omitempty"`
	// Service is false for a port kept off the Services; nil means true.
	Service *bool `json:"service,omitempty"`
}

// Exposed reports whether the Services expose the port.
func (p Port) Exposed() bool { return p.Service == nil || *p.Service }

// Resources are container requests and limits, as Kubernetes quantities.
type Resources struct {
	Requests map[string]resource.Quantity `json:"requests,omitempty"`
	Limits   map[string]resource.Quantity `json:"limits,omitempty"`
}

// Probe is a probe in short form; exactly one of HTTP, TCP and Exec is set.
type Probe struct {
	HTTP *struct {
		Path string              `json:"path"`
		Port *intstr.IntOrString `json:"port,omitempty"`
	} `json:"http,omitempty"`
	TCP *struct {
		Port *intstr.IntOrString `json:"port,omitempty"`
	} `json:"tcp,omitempty"`
	Exec *struct {
		Command []string `json:"command"`
	} `json:"exec,omitempty"`
	InitialDelaySeconds int32 `json:"initialDelaySeconds"`
	PeriodSeconds       int32 `json:"periodSeconds"`
	TimeoutSeconds      int32 `json:"timeoutSeconds"`
	SuccessThreshold    int32 `json:"successThreshold"`
	FailureThreshold    int32 `json:"failureThreshold"`
}

// Service is how the application is exposed inside the cluster.
type Service struct {
	Type        string            `json:"type"`
	Annotations map[string]string `json:"annotations,omitempty"`
	// Spec holds more of a core/v1 ServiceSpec's fields, as written (checked
	// by internal/servicecheck), merged into the Services by internal/gen.
	Spec json.RawMessage `json:"spec,omitempty"`
}

// Strategy holds exactly one release strategy.
type Strategy struct {
	Recreate  *Recreate  `json:"recreate,omitempty"`
	Ramped    *Ramped    `json:"ramped,omitempty"`
	BlueGreen *BlueGreen `json:"blueGreen,omitempty"`
	Canary    *Canary    `json:"canary,omitempty"`
	ABTest    *ABTest    `json:"abTest,omitempty"`
	Shadow    *Shadow    `json:"shadow,omitempty"`
	// Partitioned and OnDelete update a StatefulSet or DaemonSet in place.
	Partitioned *Partitioned `json:"partitioned,omitempty"`
	OnDelete    *OnDelete    `json:"onDelete,omitempty"`
}

// Strategy kinds, spelled as in the spec.
const (
	KindRecreate  = "recreate"
	KindRamped    = "ramped"
	KindBlueGreen = "blueGreen"
	KindCanary    = "canary"
	KindABTest    = "abTest"
	KindShadow    = "shadow"
	// KindPartitioned and KindOnDelete update one StatefulSet (or
	// DaemonSet) in place.
	KindPartitioned = "partitioned"
	KindOnDelete    = "onDelete"
)

// Kinds lists every strategy kind in the order the schema documents them.
var Kinds = []string{KindRecreate, KindRamped, KindBlueGreen, KindCanary, KindABTest, KindShadow, KindPartitioned, KindOnDelete}

// Set returns the kinds whose field is set, in Kinds order; a valid
// strategy has exactly one.
func (s Strategy) Set() []string {
	var set []string
	for _, k := range []struct {
		kind string
		ok   bool
	}{
		{KindRecreate, s.Recreate != nil},
		{KindRamped, s.Ramped != nil},
		{KindBlueGreen, s.BlueGreen != nil},
		{KindCanary, s.Canary != nil},
		{KindABTest, s.ABTest != nil},
		{KindShadow, s.Shadow != nil},
		{KindPartitioned, s.Partitioned != nil},
		{KindOnDelete, s.OnDelete != nil},
	} {
		if k.ok {
			set = append(set, k.kind)
		}
	}
	return set
}

// Kind returns the strategy's kind, or "" when not exactly one is set.
func (s Strategy) Kind() string {
	if set := s.Set(); len(set) == 1 {
		return set[0]
	}
	return ""
}

// TwoVersion reports whether kind runs stable and candidate side by side,
// each in a workload of its own; recreate and ramped replace one version
// by the next instead, and partitioned and onDelete move one workload
// from one to the other.
func TwoVersion(kind string) bool {
	return kind != KindRecreate && kind != KindRamped && !InPlace(kind)
}

// InPlace reports whether kind moves one workload from stable to the
// candidate's template in place, some pods on each (partitioned,
// onDelete): a candidate is written, yet one workload runs.
func InPlace(kind string) bool {
	return kind == KindPartitioned || kind == KindOnDelete
}

// Stepped reports how many steps a strategy that moves in steps (canary,
// partitioned) has and at which it is; ok is false for the others.
func (s Strategy) Stepped() (steps, step int, ok bool) {
	switch {
	case s.Canary != nil:
		return len(s.Canary.Steps), s.Canary.Step, true
	case s.Partitioned != nil:
		return len(s.Partitioned.Steps), s.Partitioned.Step, true
	}
	return 0, 0, false
}

// FirstStep is the step a new candidate starts at: 0 with Istio, where
// its pods get ready before any request reaches them, else 1 (a native
// Service waits for ready pods itself).
func (r *Release) FirstStep() int {
	if r.Traffic == TrafficIstio {
		return 0
	}
	return 1
}

// AtStep is s at step i, if it moves in steps; s shares nothing it
// changes with the result.
func (s Strategy) AtStep(i int) Strategy {
	if s.Canary != nil {
		c := *s.Canary
		c.Step = i
		s.Canary = &c
	}
	if s.Partitioned != nil {
		p := *s.Partitioned
		p.Step = i
		s.Partitioned = &p
	}
	return s
}

// Partitioned updates a StatefulSet's pods from the highest ordinal down,
// Steps[Step-1] of them at step Step.
type Partitioned struct {
	Steps []int32 `json:"steps"`
	Step  int     `json:"step"`
	// Routed false (Istio): the first half of Step, while the partition
	// moves and the controller replaces one pod at a time: the routes
	// balance over every ready pod, as the Service does, instead of
	// weighting the versions' subsets, so that no pod takes the share of
	// the pods not replaced yet; nil or true: Step's weights.
	Routed *bool `json:"routed,omitempty"`
}

// PodsFirst reports whether r's steps each take two moves: a partitioned
// StatefulSet with a candidate behind Istio, whose controller replaces one
// pod at a time while route weights apply at once. The partition moves
// first (routed: false, the routes balancing over every ready pod), then
// the step's weights, so that no replaced pod takes the share of the pods
// not replaced yet.
func (r *Release) PodsFirst() bool {
	return r.Strategy.Partitioned != nil && r.Traffic == TrafficIstio && r.Candidate != nil
}

// RoutesBehind reports whether the routes wait for the pods of the step
// (routed: false).
func (p Partitioned) RoutesBehind() bool { return p.Routed != nil && !*p.Routed }

// Updated is how many pods, counted from the highest ordinal, run the
// candidate at the current step; 0 at step 0.
func (p Partitioned) Updated() int32 {
	if p.Step == 0 || p.Step > len(p.Steps) {
		return 0
	}
	return p.Steps[p.Step-1]
}

// OnDelete replaces no pod: each takes the new template when deleted.
type OnDelete struct{}

// Recreate stops every old pod before starting new ones.
type Recreate struct{}

// Ramped is a rolling update.
type Ramped struct {
	MaxSurge       intstr.IntOrString `json:"maxSurge"`
	MaxUnavailable intstr.IntOrString `json:"maxUnavailable"`
}

// Roles of the two versions, also the names of the Istio subsets.
const (
	RoleStable    = "stable"
	RoleCandidate = "candidate"
)

// BlueGreen runs both versions at full size and flips traffic at once.
type BlueGreen struct {
	Active  string `json:"active"`
	Preview bool   `json:"preview"`
}

// Canary moves a growing share of traffic to the candidate.
type Canary struct {
	Steps []int32 `json:"steps"`
	Step  int     `json:"step"`
}

// Weight is the candidate's weight at the current step, in percent; 0 at
// step 0, where the candidate runs without traffic.
func (c Canary) Weight() int32 {
	if c.Step == 0 {
		return 0
	}
	return c.Steps[c.Step-1]
}

// ABTest routes matching requests to the candidate.
type ABTest struct {
	Match []Match `json:"match"`
}

// Match is one set of conditions that must all hold.
type Match struct {
	Headers     map[string]StringMatch `json:"headers,omitempty"`
	Cookie      *Cookie                `json:"cookie,omitempty"`
	QueryParams map[string]StringMatch `json:"queryParams,omitempty"`
}

// Cookie is a cookie that must be present with a value.
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// StringMatch matches a string exactly, by prefix or by RE2 regex.
type StringMatch struct {
	Exact  *string `json:"exact,omitempty"`
	Prefix *string `json:"prefix,omitempty"`
	Regex  *string `json:"regex,omitempty"`
}

// Shadow mirrors a percentage of live traffic to the candidate.
type Shadow struct {
	Percent float64 `json:"percent"`
}

// Slug turns a version label value into the lowercase DNS label used in
// object names: "v1.2.0" becomes "v1-2-0".
func Slug(version string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(version) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// MaxSlug is the longest version slug: with a 30-character name,
// `<name>-<slug>` leaves room for the ReplicaSet and pod suffixes.
const MaxSlug = 20

// Member is one version in play with its role.
type Member struct {
	Role    string
	Version *Version
}

// Versions returns the versions in play: stable, then the candidate if any.
func (r *Release) Versions() []Member {
	m := []Member{{RoleStable, &r.Stable}}
	if r.Candidate != nil {
		m = append(m, Member{RoleCandidate, r.Candidate})
	}
	return m
}

// ImageRef is the full image reference of v: repository, tag, digest.
func (r *Release) ImageRef(v *Version) string {
	ref := r.Image
	if v.Image != "" {
		ref = v.Image
	}
	if v.Tag != "" {
		ref += ":" + v.Tag
	}
	if v.Digest != "" {
		ref += "@" + v.Digest
	}
	return ref
}

// Merged returns base overlaid with over, or nil when both are empty.
func Merged(base, over map[string]string) map[string]string {
	if len(base) == 0 && len(over) == 0 {
		return nil
	}
	m := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range over {
		m[k] = v
	}
	return m
}
