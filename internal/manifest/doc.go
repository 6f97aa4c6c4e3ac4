// Package manifest writes compiled Kubernetes and Istio objects as the YAML
// files rollspec generates: one stream per release, Header first, one
// document per object, keys sorted and empty fields left out, so equal
// objects always give equal bytes.
//
// It is a codec of its own, not encoding/json plus a YAML library, for
// speed: rendering a release takes about 0.13 ms here against 0.77 ms
// through sigs.k8s.io/yaml and yaml.v3, and rollspec renders on every run.
// jsonValue turns an object into the JSON data model (maps, lists,
// strings, float64, bool) by encoding/json's rules without writing JSON
// bytes; encodeYAML writes that model as block-style YAML. Tests pin both:
// jsonValue to encoding/json, encodeYAML to what real YAML parsers read
// back.
package manifest
