// Package fn runs rollspec as a KRM function: a kustomize exec generator
// (or any KRM function runner) passes a ResourceList whose functionConfig
// is a Release (a spec inline) or a ReleaseSet (spec files by path), and
// gets the compiled objects appended to items. Invalid specs come back as
// ResourceList results with severity error and the function fails, so
// `kustomize build` stops with rollspec's positioned messages.
package fn
