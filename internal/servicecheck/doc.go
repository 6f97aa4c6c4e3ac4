// Package servicecheck checks service.spec, the Services' fields a release
// writes in Kubernetes' own shape: against Kubernetes' ServiceSpec type
// (internal/kubetype), against the fields rollspec owns, and with the
// rules the API server applies to a Service of the release's type
// (externalTrafficPolicy only where the Service is reachable from outside
// the cluster, a load balancer's settings only for type LoadBalancer, a
// session affinity's timeout in range, canonical CIDRs) — so that a spec
// that passes compiles to Services the API server accepts without a
// warning. It also says which of the fields each Service a release
// compiles gets (Shape).
package servicecheck
