package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/specpath"
)

// Limits bound what one spec may cost to read, so that a hostile or
// broken spec (a link to /dev/zero, a billion laughs of YAML aliases)
// stops with a problem naming the limit instead of exhausting the
// process that renders every team's specs. The zero value is the
// defaults.
type Limits struct {
	// FileBytes is the size of the largest spec file read; 0 means
	// DefaultFileBytes.
	FileBytes int64
	// AliasBytes is how large a YAML file may grow when its aliases are
	// expanded (each *alias is a copy of its &anchor's value); 0 means
	// DefaultAliasBytes.
	AliasBytes int64
	// EvalTime is how long loading one file (or CUE package) may go on
	// without finishing a release; 0 means DefaultEvalTime.
	EvalTime time.Duration
	// MemoryBytes is how much heap the process may hold while loading;
	// passing it stops the files being evaluated; 0 means
	// DefaultMemoryBytes.
	MemoryBytes int64
}

// Default limits: far above any release spec (the largest example is a
// few KiB; a ConfigMap holds at most 1 MiB), far below what hurts.
const (
	DefaultFileBytes   = 16 << 20
	DefaultAliasBytes  = 32 << 20
	DefaultEvalTime    = 5 * time.Second
	DefaultMemoryBytes = 768 << 20 // the process then stays under 1 GiB
)

func (l Limits) fileBytes() int64 { return orDefault(l.FileBytes, DefaultFileBytes) }

// MaxFile is the size of the largest spec file l lets loading read: what
// else reads specs (a revision's files, diff --against) bounds them alike.
func (l Limits) MaxFile() int64 { return l.fileBytes() }

// TooLarge says that something is larger than a spec file may be, and
// what is allowed, for a problem to follow "is " with.
func (l Limits) TooLarge() string {
	m := BytesText(l.fileBytes())
	return fmt.Sprintf("larger than %s (allowed: at most %s per spec file; raise with --max-file-size)", m, m)
}
func (l Limits) aliasBytes() int64 { return orDefault(l.AliasBytes, DefaultAliasBytes) }
func (l Limits) evalTime() time.Duration {
	return time.Duration(orDefault(int64(l.EvalTime), int64(DefaultEvalTime)))
}
func (l Limits) memoryBytes() int64 { return orDefault(l.MemoryBytes, DefaultMemoryBytes) }

// Memory is the memory limit in effect: MemoryBytes, or its default. A
// command that holds more than specs (rollspec fn, its ResourceList)
// sizes what it accepts by it.
func (l Limits) Memory() int64 { return l.memoryBytes() }

// valueBytes is the largest string (or bytes, or number) a spec's CUE may
// make with an operation its operands size (strings.Repeat, "x" * n, …;
// bound.go): as large as a spec file may be.
func (l Limits) valueBytes() int64 { return l.fileBytes() }

// valueElems is the longest list a spec's CUE may make with an operation
// its operands size (list.Repeat, …): as many elements as a spec file
// could hold written out, two bytes each ("0,").
func (l Limits) valueElems() int64 { return l.fileBytes() / 2 }

// memoryProblem says loading file was stopped at the memory limit.
func (l Limits) memoryProblem(file string) *diag.Diagnostic {
	m := BytesText(l.memoryBytes())
	return &diag.Diagnostic{Pos: diag.FileOnly(file), Text: fmt.Sprintf("was stopped: loading passed %s of memory (allowed: at most %s; raise with --max-memory)", m, m)}
}

// overMemory reports whether the heap holds more than l's memory limit.
// The heap counts garbage too, until the next collection: above the limit,
// a collection decides, so that garbage (another load's, long done) never
// stops a load.
func (l Limits) overMemory() bool {
	over := func() bool {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(sample)
		return sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > uint64(l.memoryBytes())
	}
	if !over() {
		return false
	}
	runtime.GC()
	return over()
}

func orDefault(n, def int64) int64 {
	if n > 0 {
		return n
	}
	return def
}

// readSpec reads a spec file: a regular file of at most l's size. A
// device, pipe or socket (a link to /dev/zero among specs) is never read:
// reading one may never end.
func (l Limits) readSpec(path string) ([]byte, *diag.Diagnostic) {
	b, err := specpath.ReadFile(path, l.fileBytes())
	switch {
	case errors.Is(err, specpath.ErrTooLarge):
		return nil, &diag.Diagnostic{Pos: diag.FileOnly(path), Text: "is " + l.TooLarge()}
	case errors.Is(err, specpath.ErrNotRegular):
		kind := "a special file"
		if fi, serr := os.Stat(path); serr == nil {
			kind = specpath.FileKind(fi.Mode())
		}
		return nil, &diag.Diagnostic{Pos: diag.FileOnly(path), Text: fmt.Sprintf("is not a regular file but %s (allowed: a regular file, or a link to one)", kind)}
	case err != nil:
		return nil, &diag.Diagnostic{Text: specpath.PathError(err)}
	}
	return b, nil
}

// ReadAll reads r (standard input) up to l's file size; name names it in
// the problem.
func (l Limits) ReadAll(name string, r io.Reader) ([]byte, *diag.Diagnostic) {
	b, err := specpath.ReadAtMost(r, l.fileBytes())
	switch {
	case errors.Is(err, specpath.ErrTooLarge):
		return nil, &diag.Diagnostic{Pos: diag.FileOnly(name), Text: "is " + l.TooLarge()}
	case err != nil:
		return nil, &diag.Diagnostic{Text: "read " + name + ": " + err.Error()}
	}
	return b, nil
}

// BytesText writes n bytes for people, as limits are named in messages:
// 16 MiB, 512 KiB, 100 bytes.
func BytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkAliases measures what the YAML in src grows to when its aliases
// are expanded, as CUE's decoder expands them, and refuses it beyond l's
// limit, and an alias inside the value of its own anchor (through a merge
// key `<<: *a`), which CUE's decoder would follow until the stack
// overflows. A file without both an anchor and an alias character has no
// alias and is not parsed here; one that does not parse is left to the
// decoder, which reports the syntax error (it parses with the same
// parser).
func (l Limits) checkAliases(filename string, src []byte) diag.List {
	if bytes.IndexByte(src, '&') < 0 || bytes.IndexByte(src, '*') < 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	a := &aliasWalk{max: l.aliasBytes(), size: map[*yaml.Node]int64{}, open: map[*yaml.Node]bool{}}
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			break // io.EOF, or a syntax error the decoder reports
		}
		a.walk(&doc)
		if a.problem != nil {
			return diag.List{a.problem.at(filename, src)}
		}
	}
	return nil
}

// aliasWalk adds up the expanded size of YAML nodes.
type aliasWalk struct {
	max     int64
	total   int64
	size    map[*yaml.Node]int64 // expanded size of anchored nodes already walked
	open    map[*yaml.Node]bool  // nodes being walked: an alias to one is a cycle
	problem *aliasProblem
}

// aliasProblem is where expansion went wrong and why.
type aliasProblem struct {
	line, col int
	text      string
}

func (p *aliasProblem) at(filename string, src []byte) *diag.Diagnostic {
	return &diag.Diagnostic{Pos: lineColPos(filename, src, p.line, p.col), Text: p.text}
}

// walk returns n's expanded size, stopping at the first problem.
func (a *aliasWalk) walk(n *yaml.Node) int64 {
	if a.problem != nil {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		t := n.Alias
		if t == nil {
			return 0
		}
		if a.open[t] {
			a.problem = &aliasProblem{n.Line, n.Column, fmt.Sprintf("alias *%s is inside the value of its own anchor &%s, so it never ends (allowed: an alias to an anchor whose value it is not part of)", n.Value, t.Anchor)}
			return 0
		}
		s, ok := a.size[t]
		if !ok {
			return a.walk(t) // not walked yet: walking counts it
		}
		a.total += s
		if a.total > a.max {
			a.problem = &aliasProblem{n.Line, n.Column, fmt.Sprintf("expanding the aliases grows the file beyond %s at *%s (allowed: at most %s once aliases are expanded; raise with --max-alias-size)", BytesText(a.max), n.Value, BytesText(a.max))}
		}
		return s
	}
	a.open[n] = true
	s := int64(len(n.Value)) + 1
	a.total += s
	for _, c := range n.Content {
		s += a.walk(c)
	}
	delete(a.open, n)
	if n.Anchor != "" {
		a.size[n] = s
	}
	if a.total > a.max && a.problem == nil {
		a.problem = &aliasProblem{n.Line, n.Column, fmt.Sprintf("is larger than %s once its aliases are expanded (allowed: at most %s; raise with --max-alias-size)", BytesText(a.max), BytesText(a.max))}
	}
	return s
}
