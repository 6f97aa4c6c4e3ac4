// Package release is the Go model of a validated rollspec spec.
//
// Values of these types are decoded from a spec only after it has been
// unified with the CUE schema and checked (see package load), so the
// compiler in package gen can trust them: required fields are set, enums
// hold one of their values and exactly one strategy is chosen.
package release
