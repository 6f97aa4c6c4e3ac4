package fn

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The types below are the KRM Functions Specification's ResourceList and
// results. kyaml's fn/framework defines them too, but importing it links
// kube-openapi's validators, whose package initialisers cost every
// rollspec process about 4 ms (a tenth of building one release) whether
// it runs as a function or not. Reading and writing the ResourceList
// stays kyaml's (kio.ByteReadWriter).

// ResourceList is what a KRM function works on: the items passed in (and
// out), the function's config, and the results it reports.
type ResourceList struct {
	// Items are the resources; the function appends its compiled objects.
	Items []*yaml.RNode
	// FunctionConfig is the Release or ReleaseSet that invoked rollspec.
	FunctionConfig *yaml.RNode
	// Results are the problems and warnings the function reports.
	Results []*Result
}

// Severity of a result, as runners (kustomize, kpt) read it.
type Severity string

// Severities rollspec reports.
const (
	// Error fails the function: the runner stops.
	Error Severity = "error"
	// Warning is printed; the compiled objects are used.
	Warning Severity = "warning"
)

// Result is one entry of the ResourceList's results.
type Result struct {
	// Message says what is wrong and what is allowed.
	Message string `yaml:"message,omitempty"`
	// Severity is error or warning.
	Severity Severity `yaml:"severity,omitempty"`
	// ResourceRef names the function config an inline spec was written in.
	ResourceRef *yaml.ResourceIdentifier `yaml:"resourceRef,omitempty"`
	// Field is the field the result is about.
	Field *Field `yaml:"field,omitempty"`
	// File is the file the result is about.
	File *File `yaml:"file,omitempty"`
}

// Field is a field's path in a resource, such as spec.strategy.canary.
type Field struct {
	// Path of the field from the resource's root.
	Path string `yaml:"path,omitempty"`
}

// File is a file a result is about.
type File struct {
	// Path of the file, as the runner or the ReleaseSet names it.
	Path string `yaml:"path,omitempty"`
}

// String is the result as runners print it: "[error]
// rollspec.dev/v1alpha1/Release/web spec.replicas: message".
func (r *Result) String() string {
	return "[" + string(r.Severity) + "] " + r.text()
}

// text is the result without its severity: the resource, the field and
// the message.
func (r *Result) text() string {
	var b strings.Builder
	if ref := r.ResourceRef; ref != nil {
		var id []string
		for _, s := range []string{ref.APIVersion, ref.Kind, ref.Namespace, ref.Name} {
			if s != "" {
				id = append(id, s)
			}
		}
		if len(id) > 0 {
			b.WriteString(strings.Join(id, "/") + " ")
		}
	}
	if r.Field != nil {
		b.WriteString(r.Field.Path + ": ")
	}
	b.WriteString(r.Message)
	return b.String()
}

// Results is the error a failed run returns: its error results, one
// paragraph each.
type Results []*Result

// Error implements error.
func (rs Results) Error() string {
	msgs := make([]string, len(rs))
	for i, r := range rs {
		msgs[i] = r.String()
	}
	return strings.Join(msgs, "\n\n")
}
