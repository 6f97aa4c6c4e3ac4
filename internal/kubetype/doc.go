// Package kubetype checks a section of a spec written in Kubernetes' own
// shape (a pod, a container, an autoscaler's metrics) against Kubernetes'
// own Go type for it, as the API server's strict decoding does, but
// reporting every problem at once, each at the path of its field: unknown
// fields with the closest known name, values of the wrong kind, and
// values the field's own decoder refuses (a quantity, an int-or-string).
//
// It reads the Go types themselves (their json tags, inline members and
// decoders), so it knows every field of the Kubernetes version rollspec
// is built with, and no copy of the API is kept in rollspec.
package kubetype
