// Package load reads release specs (CUE, YAML, JSON), validates them
// against the embedded schema and decodes them into release.Release values.
//
// Validation happens in three passes so that a user sees every problem at
// once, each positioned in their own file: CUE unification with the schema
// (concrete and final), a walk that reports unknown fields with the list of
// allowed ones (CUE hides closedness errors behind other errors), and the
// rules that span fields (exactly one strategy, increasing canary weights,
// …). Messages name what is wrong and what is allowed.
package load
