// Package podcheck checks the parts of a release written in Kubernetes'
// own shape, the pod and the main container (and each version's overlay
// of them): against Kubernetes' Go types (internal/kubetype), against
// the fields rollspec owns, which a user sets elsewhere in the spec, and
// across them (a volume mount names a volume of the pod; container names
// are unique) — so that a spec that passes compiles to a pod the API
// server accepts.
package podcheck
