// Package planfmt writes release plans (package stage) for people and
// programs: a readable table for a terminal, Markdown for a pull-request
// comment, JSON in the documented shape of schema/plan.cue, and an SVG
// chart of the pods and the requests each version gets at each stage.
package planfmt
