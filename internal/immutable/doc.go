// Package immutable finds the changes Kubernetes refuses to make to an
// existing object: the fields an update may not change (a StatefulSet's
// claim templates, any workload's selector, …). Comparing a release's
// previous generated file with its new output, `rollspec build -o` and
// `check` report such a change before anything is applied, instead of an
// apply that the API server refuses. Output decodes each of the two files
// once for every comparison the compile package makes between them
// (also the versions the previous workloads ran, the pod templates each
// version ran, and which Deployments each holds). TemplateChange says
// what changed in a version's pod template between the two.
package immutable
