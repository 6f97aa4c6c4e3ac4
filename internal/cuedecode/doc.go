// Package cuedecode decodes validated CUE values into rollspec's Go types,
// as cue.Value.Decode does but at a fraction of its cost: it looks Go
// fields up by name instead of listing every struct's fields in their
// topological order, and skips the release's optional fields a spec
// does not write (a missing field's lookup builds an error).
package cuedecode
