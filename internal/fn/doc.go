// Package fn runs rollspec as a KRM function: a kustomize exec generator
// (or any KRM function runner) passes a ResourceList whose functionConfig
// is a Release (a spec inline) or a ReleaseSet (spec files by path), and
// gets the compiled objects appended to items. Invalid specs come back as
// ResourceList results with severity error and the function fails, so
// `kustomize build` stops with rollspec's positioned messages.
//
// The items pass through. A ResourceList is not parsed whole into kyaml's
// nodes, which cost a hundred times its size or more: each item in the
// form kyaml writes (canon) is copied as text, and the output is still,
// to the byte, the one kyaml writes (list.go says how). What Run accepts
// is sized by the memory limit (limits.go).
package fn
