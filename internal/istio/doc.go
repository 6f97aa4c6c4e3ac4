// Package istio holds the subset of Istio's networking API that rollspec
// compiles to: DestinationRule, VirtualService and Gateway
// (networking.istio.io/v1).
//
// The types mirror the field names of Istio's CRD schemas so that encoding
// them as JSON or YAML yields objects the API server accepts; the e2e tests
// dry-run them against the real CRDs shipped in istio.io/api.
package istio
