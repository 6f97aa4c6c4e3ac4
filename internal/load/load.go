package load

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/specpath"

	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/schema"
)

// Loader validates specs against the schema. It compiles the schema once
// per worker and reuses it; a Loader is safe for concurrent use.
type Loader struct {
	// Workers is how many specs are validated in parallel; 0 means
	// GOMAXPROCS.
	Workers int
	// Renew is after how many releases a worker starts a fresh CUE
	// context, keeping memory flat on large inputs; 0 means 256.
	Renew int
	// Limits bound what one spec may cost to read.
	Limits Limits

	mu   sync.Mutex
	idle []*worker // workers not in use, each with its compiled schema
}

// worker is one goroutine's CUE context with the schema compiled in it.
type worker struct {
	s    *schema.Schema
	used int // releases validated in this context
}

// job is the loading of one unit by a worker: the unit's own state, which
// ends with it.
type job struct {
	*worker
	limits   Limits
	parallel int                  // how many goroutines may validate a long stream's chunks
	src      []byte               // the YAML or JSON file being loaded, for its raw text
	yaml     bool                 // src is YAML, not JSON
	labels   map[string]token.Pos // where each of a CUE package's releases is named
	// own records that the file loaded is a ReleaseSet, rollspec's own
	// kustomize generator config, which holds no release by design.
	own bool
}

// worker takes an idle worker, or compiles the schema for a new one when
// none is idle or the idle one's context is due for renewal.
func (l *Loader) worker() (*worker, error) {
	l.mu.Lock()
	var w *worker
	if n := len(l.idle); n > 0 {
		w, l.idle = l.idle[n-1], l.idle[:n-1]
	}
	l.mu.Unlock()
	if w != nil && w.used < l.renewAt() {
		return w, nil
	}
	return newWorker()
}

// renewAt is after how many releases a worker's context is renewed.
func (l *Loader) renewAt() int {
	if l.Renew == 0 {
		return 256
	}
	return l.Renew
}

// newWorker compiles the schema in a fresh context.
func newWorker() (*worker, error) {
	s, err := schema.Compile()
	if err != nil {
		return nil, err
	}
	return &worker{s: s}, nil
}

// job starts loading a unit with w.
func (l *Loader) job(w *worker) *job {
	n := l.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &job{worker: w, limits: l.Limits, parallel: n}
}

// release returns w to the idle workers.
func (l *Loader) release(w *worker) {
	l.mu.Lock()
	l.idle = append(l.idle, w)
	l.mu.Unlock()
}

// Result is what loading a run's paths found: the releases, the problems,
// and what each named path turned out to be.
type Result struct {
	// Paths are the named paths with their outcomes.
	Paths    []specpath.Path
	specs    []*Spec
	problems diag.List
}

// Empty returns the named paths that hold no release.
func (r *Result) Empty() []string {
	var out []string
	for _, p := range r.Paths {
		if p.Outcome == specpath.Empty {
			out = append(out, p.Name)
		}
	}
	return out
}

// Releases returns the validated releases sorted by namespace and name,
// or a diag.List of every problem. A named path holding no release is a
// problem too — a wrong path, a filter that matched nothing or a spec
// emptied by accident, never a reason to drop a release's objects —
// unless excused (nil excuses none) says its releases were removed on
// purpose.
func (r *Result) Releases(excused func(path string) bool) ([]*Spec, error) {
	var empty []string
	for _, p := range r.Empty() {
		if excused == nil || !excused(p) {
			empty = append(empty, p)
		}
	}
	if errs := append(noRelease(empty), r.problems...); len(errs) > 0 {
		return nil, errs.Sort()
	}
	return r.specs, nil
}

// Load reads the units of set, validates every release and checks the
// releases against each other.
func (l *Loader) Load(set *specpath.Set) *Result {
	res := &Result{problems: slices.Clone(set.Problems)}
	found := make([]specpath.Found, len(set.Units))
	for i, u := range l.run(set.Units) {
		res.specs = append(res.specs, u.specs...)
		res.problems = append(res.problems, u.errs...)
		found[i] = specpath.Found{Any: len(u.specs)+len(u.errs) > 0, Own: u.own}
	}
	res.Paths = set.Outcomes(found)
	res.specs, res.problems = finish(res.specs, res.problems)
	return res
}

// LoadBytes validates the releases in one in-memory file; its extension
// (.cue, .yaml, .yml, .json) picks the format.
func (l *Loader) LoadBytes(filename string, src []byte) *Result {
	res := &Result{Paths: []specpath.Path{{Name: filename, Outcome: specpath.Holds}}}
	w, err := l.worker()
	if err != nil {
		res.problems = diag.List{{Text: err.Error()}}
		return res
	}
	j := l.job(w)
	var crashed bool
	res.specs, res.problems, crashed = guard(filename, func() ([]*Spec, diag.List) { return j.loadFile(filename, src) })
	if !crashed {
		l.release(w)
	}
	if len(res.specs)+len(res.problems) == 0 {
		res.Paths[0].Outcome = specpath.Empty
	}
	res.specs, res.problems = finish(res.specs, res.problems)
	return res
}

// unitResult is what loading one unit found.
type unitResult struct {
	specs []*Spec
	errs  diag.List
	own   bool // a ReleaseSet: rollspec's own config, holding no release by design
}

// run loads units in parallel and returns their results in order.
func (l *Loader) run(units []specpath.Unit) []unitResult {
	n := l.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	n = min(n, len(units))
	results := make([]unitResult, len(units))
	next := make(chan int)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				w, err := l.worker()
				if err != nil {
					results[i].errs = diag.List{{Text: err.Error()}}
					continue
				}
				j := l.job(w)
				var crashed bool
				results[i].specs, results[i].errs, crashed = guard(units[i].Files[0], func() ([]*Spec, diag.List) { return j.loadUnit(units[i]) })
				results[i].own = j.own
				if !crashed { // a context a panic left halfway is not reused
					l.release(w)
				}
			}
		}()
	}
	for i := range units {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// guard runs load, turning a panic into a problem of file: a bug in
// rollspec or a library it uses must cost one file, not the process (Argo
// CD renders every team's specs in one), and the message carries what is
// needed to fix it.
func guard(file string, load func() ([]*Spec, diag.List)) (specs []*Spec, errs diag.List, crashed bool) {
	defer func() {
		if r := recover(); r != nil {
			stack := strings.Split(string(debug.Stack()), "\n")
			where := ""
			for i, line := range stack {
				// The first frame below the runtime's panic handling.
				if strings.HasPrefix(line, "panic(") && i+3 < len(stack) {
					where = strings.TrimSpace(stack[i+3])
					break
				}
			}
			specs, crashed = nil, true
			errs = diag.List{{Pos: fileOnly(file), Text: fmt.Sprintf("rollspec crashed reading this file: %v at %s (a bug in rollspec: please report it with this file)", r, where)}}
		}
	}()
	specs, errs = load()
	return specs, errs, false
}
