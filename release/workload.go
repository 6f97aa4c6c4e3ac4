package release

import "encoding/json"

// Workload kinds, spelled as in the spec and as Kubernetes names them.
const (
	WorkloadDeployment  = "Deployment"
	WorkloadStatefulSet = "StatefulSet"
	WorkloadDaemonSet   = "DaemonSet"
)

// WorkloadKind is the kind of workload r's pods run in: Workload, or a
// Deployment when the spec leaves it out.
func (r *Release) WorkloadKind() string {
	if r.Workload == "" {
		return WorkloadDeployment
	}
	return r.Workload
}

// Workloads lists the workload kinds in the order the schema documents
// them.
var Workloads = []string{WorkloadDeployment, WorkloadStatefulSet, WorkloadDaemonSet}

// StatefulSet is what only a StatefulSet has.
type StatefulSet struct {
	// VolumeClaimTemplates are core/v1 PersistentVolumeClaims as written
	// (JSON): Kubernetes' types decide what they may hold.
	VolumeClaimTemplates json.RawMessage `json:"volumeClaimTemplates,omitempty"`
	// PodManagementPolicy is OrderedReady or Parallel; "" for Kubernetes'
	// default.
	PodManagementPolicy string `json:"podManagementPolicy,omitempty"`
	// PersistentVolumeClaimRetentionPolicy is what happens to the claims
	// when the StatefulSet is deleted or scaled down.
	PersistentVolumeClaimRetentionPolicy *ClaimRetention `json:"persistentVolumeClaimRetentionPolicy,omitempty"`
	// ServiceName is the governing (headless) Service's name, which the
	// pods' DNS names end in: "" for <name>-headless. Kubernetes never
	// changes it on an existing StatefulSet, so adopting one keeps its.
	ServiceName string `json:"serviceName,omitempty"`
	// LoadBalancedService false leaves out the ClusterIP Service <name>,
	// which spreads connections over every pod: a primary/replica
	// database's clients address the primary by its pod's DNS name.
	LoadBalancedService *bool `json:"loadBalancedService,omitempty"`
}

// GoverningService is the name of the headless Service that governs r's
// StatefulSet and gives each pod its DNS name: statefulSet.serviceName,
// or <name>-headless.
func (r *Release) GoverningService() string {
	if st := r.StatefulSet; st != nil && st.ServiceName != "" {
		return st.ServiceName
	}
	return r.Name + HeadlessSuffix
}

// LoadBalanced reports whether r compiles its load-balanced Service
// <name>: always but for a StatefulSet whose spec says
// statefulSet.loadBalancedService: false.
func (r *Release) LoadBalanced() bool {
	st := r.StatefulSet
	return r.WorkloadKind() != WorkloadStatefulSet || st == nil || st.LoadBalancedService == nil || *st.LoadBalancedService
}

// ClaimRetention is Retain or Delete for each event; "" for Kubernetes'
// default (Retain).
type ClaimRetention struct {
	WhenDeleted string `json:"whenDeleted,omitempty"`
	WhenScaled  string `json:"whenScaled,omitempty"`
}

// HeadlessSuffix makes the name of a StatefulSet's governing Service:
// <name>-headless, which gives each pod its DNS name.
const HeadlessSuffix = "-headless"
