// Package load reads release specs (CUE, YAML, JSON), validates them
// against the embedded schema and decodes them into release.Release values.
// Which files to read is package specpath's decision; load reads the units
// it gives and reports, per named path, what it found (Result).
//
// Validation happens in three passes so that a user sees every problem at
// once, each positioned in their own file: CUE unification with the schema
// (concrete and final), a walk that reports unknown fields with the list of
// allowed ones (CUE hides closedness errors behind other errors), and the
// rules that span fields (exactly one strategy, increasing canary weights,
// …). Messages name what is wrong and what is allowed.
//
// Files, one idea each:
//
//	load.go       the Loader, its workers (one CUE context each) and Result
//	syntax.go     YAML and JSON text: streams, syntax errors, positions of bytes
//	cue.go        CUE packages: `releases: name: {…}` and single-file releases
//	external.go   what a CUE spec may not reach: tool packages, embedded files
//	bound.go      a CUE file's operations that make one value from others
//	              (strings.Repeat, "x" * n, …), rewritten to check its size first;
//	              boundops.go which and how each is sized, boundguard.go the
//	              rewriting, boundproblem.go the problem beyond the limit
//	spec.go       one release: Spec, unify, check, decode; what is not a release
//	positions.go  where each field was written, and keys written twice
//	validate.go   CUE's errors turned into one clear problem per field
//	check.go      the rules that span fields
//	decode.go     CUE values into Go values, fast
//	set.go        rules across releases: names, hosts, certificates
//	wording.go    every phrase of CUE's and go-yaml's messages rollspec reads
package load
