// Package gen compiles a validated release into Kubernetes and Istio
// objects.
//
// Each strategy is a Generator in its own file that decides the plan: which
// Deployments run with how many replicas, which pods each Service selects
// and how Istio routes between the stable and candidate subsets. One
// assembler turns every plan into objects, so labels, pod security, config
// hashing and naming are the same for all strategies. Writing the objects
// out is not generation: package manifest encodes them as YAML.
package gen
