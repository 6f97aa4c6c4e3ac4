// Package spell finds the name a user most likely meant: the "did you
// mean" of an unknown field, in rollspec's schema or in a Kubernetes type.
package spell
