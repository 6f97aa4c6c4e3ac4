package load

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/specpath"
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
	// Outside lets a CUE module's local replacements lead out of the
	// module (--follow-links); by default reads stay inside it.
	Outside bool

	mu   sync.Mutex
	idle []*worker // workers not in use, each with its compiled schema
}

// worker is one goroutine's CUE context with the schema compiled in it.
type worker struct {
	s    *schema.Schema
	used int // releases validated in this context
	// run hands loads to the worker's own goroutine, started at its first
	// load: a goroutine that lives as long as the worker keeps the stack
	// CUE's evaluation grew, instead of growing a new one for every file,
	// and can be abandoned when a load passes a limit.
	run chan func()
}

// exec runs f on the worker's goroutine.
func (w *worker) exec(f func()) {
	if w.run == nil {
		w.run = make(chan func())
		go func(run <-chan func()) {
			for f := range run {
				f()
			}
		}(w.run)
	}
	w.run <- f
}

// retire ends the worker's goroutine once it is done with its load.
func (w *worker) retire() {
	if w.run != nil {
		close(w.run)
		w.run = nil
	}
}

// job is the loading of one unit by a worker: the unit's own state, which
// ends with it.
type job struct {
	*worker
	limits   Limits
	parallel int // how many goroutines may validate a long stream's chunks
	// progress counts the releases validated, shared with a stream's
	// chunks: the time limit is on evaluating without progress.
	progress *atomic.Int64
	outside  bool                 // reads may leave the CUE module
	src      []byte               // the YAML or JSON file being loaded, for its raw text
	skip     int                  // the lines of the file before src (a chunk of a stream)
	yaml     bool                 // src is YAML, not JSON
	labels   map[string]token.Pos // where each of a CUE package's releases is named
	bounds   *bounds              // the guarded operations of the CUE files loaded (bound.go)
	// lifted are the Kubernetes-shaped sections taken out of each YAML or
	// JSON release's syntax before CUE builds it (lift.go).
	lifted map[*ast.StructLit]*lifted
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
	if w != nil {
		w.retire()
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
	return &job{worker: w, limits: l.Limits, parallel: n, progress: new(atomic.Int64), outside: l.Outside}
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
	return l.LoadUnit(specpath.Unit{Files: []string{filename}}, [][]byte{src})
}

// LoadUnit validates the releases of one unit whose files' contents are
// srcs, in memory (a command that edits a spec checks its result before
// writing it): a CUE package when u.CUE, else one file, as LoadBytes.
func (l *Loader) LoadUnit(u specpath.Unit, srcs [][]byte) *Result {
	filename := u.Files[0]
	res := &Result{Paths: []specpath.Path{{Name: filename, Outcome: specpath.Holds}}}
	w, err := l.worker()
	if err != nil {
		res.problems = diag.List{{Text: err.Error()}}
		return res
	}
	j := l.job(w)
	var done bool
	res.specs, res.problems, done = l.bounded(w, filename, j.progress, func() ([]*Spec, diag.List) {
		if u.CUE {
			return j.loadCUE(u.Files, srcs)
		}
		return j.loadFile(filename, srcs[0])
	})
	if done {
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
				var done bool
				results[i].specs, results[i].errs, done = l.bounded(w, units[i].Files[0], j.progress, func() ([]*Spec, diag.List) { return j.loadUnit(units[i]) })
				if done { // a context a panic or a limit left halfway is not reused
					results[i].own = j.own
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
			errs = diag.List{{Pos: diag.FileOnly(file), Text: fmt.Sprintf("rollspec crashed reading this file: %v at %s (a bug in rollspec: please report it with this file)", r, where)}}
		}
	}()
	specs, errs = load()
	return specs, errs, false
}

// bounded runs load (guarded against panics) on w's goroutine while it
// makes progress (progress grows by each release validated) within l's
// time limit, and while the heap stays within l's memory limit, checked
// every few milliseconds. done is false when load crashed or was
// abandoned; w is then retired, not reused. CUE's evaluation cannot be
// interrupted, so an abandoned load runs on until the process ends, which
// a command does once it has printed the problems.
func (l *Loader) bounded(w *worker, file string, progress *atomic.Int64, load func() ([]*Spec, diag.List)) (specs []*Spec, errs diag.List, done bool) {
	type result struct {
		specs   []*Spec
		errs    diag.List
		crashed bool
	}
	ch := make(chan result, 1)
	w.exec(func() {
		specs, errs, crashed := guard(file, load)
		ch <- result{specs, errs, crashed}
	})
	limit := l.Limits.evalTime()
	tick := time.NewTicker(min(limit, 20*time.Millisecond))
	defer tick.Stop()
	last, since := progress.Load(), time.Now()
	for {
		select {
		case r := <-ch:
			if r.crashed {
				w.retire()
			}
			return r.specs, r.errs, !r.crashed
		case now := <-tick.C:
			var problem *diag.Diagnostic
			switch p := progress.Load(); {
			case l.Limits.overMemory():
				problem = l.Limits.memoryProblem(file)
			case p != last:
				last, since = p, now // a long stream, still validating releases
			case now.Sub(since) >= limit:
				problem = &diag.Diagnostic{Pos: diag.FileOnly(file), Text: fmt.Sprintf("evaluated for %s without finishing a release and was stopped (allowed: at most %s per release; raise with --max-eval-time)", limit, limit)}
			}
			if problem != nil {
				w.retire()
				return nil, diag.List{problem}, false
			}
		}
	}
}
