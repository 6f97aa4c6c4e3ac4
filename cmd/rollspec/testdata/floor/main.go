// Command floor does nothing but link CUE's evaluator, as every CUE-based
// tool must: BenchmarkProcessFloor measures what starting it costs.
package main

import _ "cuelang.org/go/cue/cuecontext"

func main() {}
