// Package diag is rollspec's one kind of diagnostic: a problem in a spec,
// where it was written (file:line:col), which field, what is wrong and
// what is allowed, and whether it stops compilation (an error) or not (a
// warning). The loader, the compiler, the generators and the KRM function
// all report through it, and Print writes every problem at once, sorted
// by position, one per line.
package diag
