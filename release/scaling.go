package release

import (
	"bytes"
	"encoding/json"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Autoscaler is an autoscaling/v2 HorizontalPodAutoscaler per Deployment,
// which decides the Deployment's replicas.
type Autoscaler struct {
	MinReplicas int32 `json:"minReplicas"`
	MaxReplicas int32 `json:"maxReplicas"`
	// TargetCPUUtilizationPercentage and TargetMemoryUtilizationPercentage
	// are autoscaling/v1's names; each becomes a Resource metric.
	TargetCPUUtilizationPercentage    *int32 `json:"targetCPUUtilizationPercentage,omitempty"`
	TargetMemoryUtilizationPercentage *int32 `json:"targetMemoryUtilizationPercentage,omitempty"`
	// Metrics and Behavior are Kubernetes' own, passed through.
	Metrics  Metrics   `json:"metrics,omitempty"`
	Behavior *Behavior `json:"behavior,omitempty"`
}

// Metrics are autoscaling/v2 metric specs as written in the spec.
type Metrics []autoscalingv2.MetricSpec

// UnmarshalJSON decodes metrics strictly: a field Kubernetes does not
// know is an error, not a setting silently dropped.
func (m *Metrics) UnmarshalJSON(b []byte) error {
	return strictJSON(b, (*[]autoscalingv2.MetricSpec)(m))
}

// Behavior is an autoscaling/v2 HorizontalPodAutoscalerBehavior as
// written in the spec.
type Behavior autoscalingv2.HorizontalPodAutoscalerBehavior

// UnmarshalJSON decodes the behavior strictly, as Metrics.
func (b *Behavior) UnmarshalJSON(data []byte) error {
	return strictJSON(data, (*autoscalingv2.HorizontalPodAutoscalerBehavior)(b))
}

// strictJSON decodes b into x, refusing fields x's type does not have.
func strictJSON(b []byte, x any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(x)
}

// PodDisruptionBudget is a policy/v1 PodDisruptionBudget per Deployment;
// exactly one of MinAvailable and MaxUnavailable is set.
type PodDisruptionBudget struct {
	MinAvailable               *intstr.IntOrString                      `json:"minAvailable,omitempty"`
	MaxUnavailable             *intstr.IntOrString                      `json:"maxUnavailable,omitempty"`
	UnhealthyPodEvictionPolicy *policyv1.UnhealthyPodEvictionPolicyType `json:"unhealthyPodEvictionPolicy,omitempty"`
}
