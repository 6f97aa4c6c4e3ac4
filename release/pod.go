package release

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// The pod and main-container sections of a spec are written in
// Kubernetes' own shape and kept as written (JSON): Kubernetes' Go types
// decide what they may hold, and a version's sections overlay the
// release's as Kubernetes' strategic merge patch does (`kubectl patch`):
// objects merge, a list of named entries (env, volumes, containers, …)
// merges by name (volumeMounts by mountPath), other values replace, and
// null removes a field.

// Overlay returns base with the version's over merged on, as the strategic
// merge patch of the Kubernetes type of like (corev1.PodSpec{} or
// corev1.Container{}); either may be empty.
func Overlay(base, over json.RawMessage, like any) (json.RawMessage, error) {
	switch {
	case len(over) == 0:
		return base, nil
	case len(base) == 0:
		base = json.RawMessage("{}")
	}
	return strategicpatch.StrategicMergePatch(base, over, like)
}

// PodOf returns the pod and main-container fields the spec writes for
// version v, in Kubernetes' types: the release's with v's overlaid.
// rollspec's own fields (the container's name, image and ports, the
// pods' labels) are not among them: the generator sets those.
func (r *Release) PodOf(v *Version) (corev1.PodSpec, corev1.Container, error) {
	var pod corev1.PodSpec
	var c corev1.Container
	raw, err := Overlay(r.Pod, v.Pod, corev1.PodSpec{})
	if err == nil && len(raw) > 0 {
		err = json.Unmarshal(raw, &pod)
	}
	if err != nil {
		return pod, c, fmt.Errorf("pod: %w", err)
	}
	raw, err = Overlay(r.Container, v.Container, corev1.Container{})
	if err == nil && len(raw) > 0 {
		err = json.Unmarshal(raw, &c)
	}
	if err != nil {
		return pod, c, fmt.Errorf("container: %w", err)
	}
	return pod, c, nil
}

// Overrides reports whether the version's container overlay sets field
// (such as resources, which it then sets in place of the release's).
func (v *Version) Overrides(field string) bool {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(v.Container, &m)
	_, ok := m[field]
	return ok
}
