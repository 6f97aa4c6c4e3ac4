package fn

import (
	"fmt"

	"github.com/rollspec/rollspec/internal/load"
)

// What `rollspec fn` accepts follows from the memory limit (the loader's
// --max-memory), so that a ResourceList it accepts fits in it: the input
// is held whole while the function runs, twice for a moment while it is
// read; items as kyaml writes them pass through as text; everything else
// is parsed into kyaml's nodes, which cost many times the text they come
// from.

// parseCost is the heap, in bytes per byte of YAML, that parsing text
// into kyaml's nodes and writing it back may take: measured on the
// densest Kubernetes YAML (a mapping of short keys), about 145 for one
// item and 185 to 215 for a ResourceList parsed whole.
const parseCost = 192

// InputBytes is the largest ResourceList Run reads under a memory limit
// of memory bytes (288 MiB of 768 MiB): reading holds it twice for a
// moment (chunks, then one buffer), and the rest of the run needs room
// beside it (the process itself, compiling the function's specs, the
// text parsed).
func InputBytes(memory int64) int64 { return memory * 3 / 8 }

// ParseBytes is the largest text Run parses into kyaml's nodes at once
// under a memory limit of memory bytes (1 MiB of 768 MiB): a
// ResourceList parsed whole, its fields other than items, or one item not
// written as kyaml writes it. Parsing may take a quarter of the limit.
func ParseBytes(memory int64) int64 { return memory / 4 / parseCost }

// ParsedTotalBytes is the most text of items not written as kyaml writes
// them that Run parses in all under a memory limit of memory bytes (8 MiB
// of 768 MiB, at about 2 MB/s some 4 s): parsing them one by one keeps
// memory flat, but not time.
func ParsedTotalBytes(memory int64) int64 { return 8 * ParseBytes(memory) }

// limits are the sizes a run accepts, and how a message names them.
type limits struct {
	memory, input, parse, parsedTotal int64
}

func limitsOf(memory int64) limits {
	return limits{memory: memory, input: InputBytes(memory), parse: ParseBytes(memory), parsedTotal: ParsedTotalBytes(memory)}
}

// raise is the end of a message about a limit: where it comes from.
func (l limits) raise() string {
	return fmt.Sprintf("with --max-memory %s; raise with --max-memory", load.BytesText(l.memory))
}

// inputTooLarge is the problem of a ResourceList over l.input.
func (l limits) inputTooLarge() error {
	in := load.BytesText(l.input)
	return fmt.Errorf("read ResourceList: larger than %s (allowed: at most %s on standard input %s)", in, in, l.raise())
}

// wholeTooLarge is the problem of a ResourceList over l.parse that must
// be parsed whole.
func (l limits) wholeTooLarge() error {
	p := load.BytesText(l.parse)
	return fmt.Errorf("read ResourceList: larger than %s, and not written as kustomize writes one (block style, items: at column 0), so it would be parsed whole (allowed: at most %s parsed whole, %s written so, %s)",
		p, p, load.BytesText(l.input), l.raise())
}

// fieldsTooLarge is the problem of a ResourceList whose fields other than
// items (functionConfig, results) are over l.parse.
func (l limits) fieldsTooLarge() error {
	p := load.BytesText(l.parse)
	return fmt.Errorf("read ResourceList: its fields other than items (functionConfig, results, …) are larger than %s (allowed: at most %s %s)", p, p, l.raise())
}

// itemTooLarge is the problem of items[index], at line, over l.parse,
// which must be parsed.
func (l limits) itemTooLarge(line, index int) error {
	p := load.BytesText(l.parse)
	return fmt.Errorf("read ResourceList: line %d: items[%d]: larger than %s, and not written as kustomize writes an item, so it would be parsed (allowed: at most %s per item parsed, %s)",
		line, index, p, p, l.raise())
}

// parsedTooLarge is the problem of items[index], at line, that takes the
// text of the items parsed past l.parsedTotal.
func (l limits) parsedTooLarge(line, index int) error {
	p := load.BytesText(l.parsedTotal)
	return fmt.Errorf("read ResourceList: line %d: items[%d]: the items not written as kustomize writes them (other spacing, quoting or indentation) come to more than %s, which would each be parsed (allowed: at most %s of such items, any size written so, %s)",
		line, index, p, p, l.raise())
}

// notWhole is the problem of a list over l.parse that would have to be
// parsed whole: what prevents handling it item by item.
func (l limits) notWhole(what string) error {
	p := load.BytesText(l.parse)
	return fmt.Errorf("read ResourceList: %s, and the list is larger than %s, too large to parse whole (allowed: at most %s parsed whole, %s)", what, p, p, l.raise())
}
