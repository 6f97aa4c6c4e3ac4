package fn

import "io"

// RunWhole runs the function as Run did before it passed items through
// as text: on the ResourceList parsed whole. Tests compare Run with it.
func RunWhole(p *Processor, src []byte, out io.Writer) error { return p.runWhole(src, out) }

// Mutate is mutate, for the tests of Run.
var Mutate = mutate
