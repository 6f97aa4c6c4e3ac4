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
