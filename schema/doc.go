// Package schema embeds rollspec's CUE release schema and compiles it.
//
// The schema lives once, in release.cue; the binary carries it with embed,
// and every caller (the CLI, the KRM function, tests) gets the same compiled
// #Release definition from Compile. Compiling is the expensive part, so a
// process compiles once and reuses the result: CUE values are safe for
// concurrent use.
package schema
