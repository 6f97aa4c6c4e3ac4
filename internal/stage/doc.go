// Package stage works out, for one release, the stages from its current
// state to its promotion — each step of a canary or a partitioned
// StatefulSet, a blue-green flip, the promotion itself — and for each
// stage what a reviewer wants to know before it is applied: the pods each
// version runs (which ordinals, for a StatefulSet), the share of requests
// each version receives on each route, the bounds Kubernetes holds while
// it moves pods from the stage before (the peak and the floor of pods, as
// the workload controllers compute them), and every warning of every
// stage at once.
//
// A stage is the release as the next spec edit makes it (what `rollspec
// step` or `promote` write), compiled by the strategy's own Generator:
// the plan is never a second model of the strategies, it is their output.
package stage
