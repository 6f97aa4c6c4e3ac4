// Package compile runs rollspec's pipeline — load and validate specs,
// compile each release, render YAML — for every caller: the CLI, the KRM
// function and the Argo CD plugin. Releases are compiled in parallel and
// returned in a fixed order (namespace, then name).
package compile
