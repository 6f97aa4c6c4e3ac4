// Package specdiff compares two states of the same specs — two sets of
// compiled releases, before and after a change — as a reviewer reads the
// change: per release (matched by namespace and name), the objects
// created, deleted and changed with the fields that changed, whether the
// pods restart (a workload's pod template changed) or only move (replicas,
// a Service's selector, a route), the share of requests each version gets
// on each route before and after (package stage's current stage), and a
// config change as the keys it changes, its hashed ConfigMap paired with
// the one it replaces.
//
// Compare returns a Go value describing the differences; package difffmt
// writes it for people.
package specdiff
