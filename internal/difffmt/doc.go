// Package difffmt writes a semantic diff (package specdiff) for people:
// indented text for a terminal, Markdown for a pull-request comment. Both
// say the same things in the same order: per release, the objects that
// change, what happens to the pods, and the traffic before and after.
package difffmt
