package load

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	cueload "cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"cuelang.org/go/mod/modconfig"
	"cuelang.org/go/mod/module"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/internal/spell"
)

// releasesField is the field of a CUE package that holds several releases
// by name: `releases: web: {…}`.
const releasesField = "releases"

// loadCUE builds the .cue files of one package together; srcs are their
// contents, already read and checked, which CUE's loader evaluates rather
// than reading the files again.
func (j *job) loadCUE(files []string, srcs [][]byte) ([]*Spec, diag.List) {
	dir := filepath.Dir(files[0])
	args := make([]string, len(files))
	cfg, fetched := j.cueConfig(dir)
	cfg.Overlay = map[string]cueload.Source{}
	for i, f := range files {
		args[i] = filepath.Base(f)
		if abs, err := filepath.Abs(f); err == nil {
			cfg.Overlay[abs] = cueload.FromBytes(srcs[i])
		}
	}
	if errs := j.replacements(dir); errs != nil {
		return nil, errs
	}
	insts := cueload.Instances(args, cfg)
	var specs []*Spec
	var errs diag.List
	j.bounds = j.limits.newBounds()
	guarded := map[*build.Instance]bool{}
	for _, inst := range insts {
		if inst.Err != nil {
			errs = append(errs, placed(syntaxErrors(inst.Err), files[0])...)
			continue
		}
		if !slices.ContainsFunc(inst.Files, specpath.Declares) {
			continue // placeholders or commented-out specs hold no release
		}
		if refused := append(refusedCUE(inst.Files), j.bounds.instance(inst, guarded)...); len(refused) > 0 {
			errs = append(errs, refused...)
			continue
		}
		v := j.s.Context.BuildInstance(inst)
		if err := v.Err(); err != nil && !onlyBelow(err, v) {
			errs = append(errs, cueErrors(err, j.bounds)...)
			continue
		}
		j.labels = releaseLabels(inst.Files)
		s, e := j.fromCUE(v, files[0])
		j.labels = nil
		specs = append(specs, s...)
		errs = append(errs, e...)
	}
	if fetched != nil && len(specs) > 0 {
		// Once per package: the modules are the package's, not a release's.
		specs[0].Warnings = append(specs[0].Warnings, fetched.report(dir)...)
	}
	return specs, errs
}

// compileCUE builds one CUE file, src, its sized operations guarded
// (bound.go); problems are why it was not built: what it may not reach
// (refusedCUE) and what no guard can follow.
func (j *job) compileCUE(filename string, src []byte) (cue.Value, diag.List) {
	f, err := parser.ParseFile(filename, src, parser.ParseComments)
	if err != nil {
		return cue.Value{}, syntaxErrors(err)
	}
	if j.bounds == nil {
		j.bounds = j.limits.newBounds()
	}
	if refused := append(refusedCUE([]*ast.File{f}), j.bounds.guard(f)...); len(refused) > 0 {
		return cue.Value{}, refused
	}
	return j.s.Context.BuildFile(f), nil
}

// releaseLabels finds where each release of a CUE package is written,
// `releases: web: {…}`: the first such label in file order, not the
// shared template (`releases: [string]: {…}`), whose position CUE gives the
// release's value and so its missing fields.
func releaseLabels(files []*ast.File) map[string]token.Pos {
	m := map[string]token.Pos{}
	for _, f := range files {
		for _, d := range f.Decls {
			top, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			if name, _, err := ast.LabelName(top.Label); err != nil || name != releasesField {
				continue
			}
			lit, ok := top.Value.(*ast.StructLit)
			if !ok {
				continue
			}
			for _, e := range lit.Elts {
				if f, ok := e.(*ast.Field); ok {
					if name, _, err := ast.LabelName(f.Label); err == nil {
						if _, seen := m[name]; !seen {
							m[name] = f.Label.Pos()
						}
					}
				}
			}
		}
	}
	return m
}

// fromCUE splits a CUE value into releases: `releases: name: {…}` holds
// several (name defaults to the key), otherwise the value is one release.
func (j *job) fromCUE(v cue.Value, filename string) ([]*Spec, diag.List) {
	// A conflict inside a field (two files giving replicas two values) is
	// the field's problem: validation reports it beside every other one.
	if err := v.Err(); err != nil && !onlyBelow(err, v) {
		return nil, cueErrors(err, j.bounds)
	}
	rs := v.LookupPath(cue.MakePath(cue.Str(releasesField)))
	if !rs.Exists() {
		if _, err := v.Fields(); err != nil { // not v.Kind(): v may hold a conflict below
			return nil, diag.List{{Pos: firstPos(v, filename), Text: "is not a release (allowed: a release, or releases: <name>: {…})"}}
		}
		return j.validate(v, cue.Path{}, filename, token.NoPos)
	}
	it, err := rs.Fields()
	if err != nil {
		return nil, diag.List{{Pos: rs.Pos(), Field: releasesField, Text: "is not a struct (allowed: releases by name, releases: <name>: {…})"}}
	}
	var specs []*Spec
	// Beside releases, a regular field is a mistake that would otherwise
	// vanish: a misspelt `release: api:` (whose release would then be
	// pruned from generated output) or a release written at the top.
	var errs diag.List
	if top, err := v.Fields(); err == nil {
		for top.Next() {
			if sel := top.Selector(); sel.String() != releasesField {
				msg := "unknown field beside releases"
				if s := spell.Closest(sel.String(), []string{releasesField}); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				errs = append(errs, &diag.Diagnostic{Pos: top.Value().Pos(), Field: sel.String(),
					Text: msg + " (allowed: releases: <name>: {…}; shared values as hidden fields _x)"})
			}
		}
	}
	for it.Next() {
		r := it.Value()
		name := cue.MakePath(cue.Str(fieldpath.Name.String()))
		if !r.Allows(name.Selectors()[0]) {
			// A definition is closed: neither name nor the schema's
			// defaults could be added, and every field it lacks would be
			// "not allowed".
			errs = append(errs, &diag.Diagnostic{Pos: j.labels[it.Selector().Unquoted()], Field: releasesField + "." + it.Selector().String(),
				Text: closed("fields and defaults")})
			continue
		}
		if !r.LookupPath(name).Exists() {
			r = r.FillPath(name, it.Selector().Unquoted())
		}
		s, e := j.validate(r, cue.MakePath(cue.Str(releasesField), it.Selector()), filename, j.labels[it.Selector().Unquoted()])
		specs = append(specs, s...)
		errs = append(errs, e...)
	}
	return specs, errs
}

// cueConfig is how CUE's loader reads the package in dir: CUE modules
// come from a registry only when the user set CUE_REGISTRY (otherwise a
// dependency would make rollspec reach the network, and write a module
// cache, for any spec it is handed); then fetched records what the
// registry downloads, for the user to read.
func (j *job) cueConfig(dir string) (c *cueload.Config, fetched *fetches) {
	c = &cueload.Config{Dir: dir}
	registry := os.Getenv("CUE_REGISTRY")
	if registry == "" {
		c.Registry = noRegistry
		return c, nil
	}
	fetched = &fetches{registry: registry}
	c.Registry = &modconfig.LazyRegistry{New: func() (modconfig.CachedRegistry, error) {
		r, err := modconfig.NewRegistry(nil) // CUE_REGISTRY, CUE_CACHE_DIR, as the cue command reads them
		if err != nil {
			return nil, err
		}
		fetched.CachedRegistry = r
		return fetched, nil
	}}
	return c, fetched
}

// fetches is a CUE registry that records the modules it downloads: a
// module already in the module cache is read without the network.
type fetches struct {
	modconfig.CachedRegistry
	registry string // as CUE_REGISTRY names it
	mu       sync.Mutex
	modules  []string // module@version, in the order fetched
}

// Fetch returns the contents of module version m, recording it when it
// is not in the module cache.
func (f *fetches) Fetch(ctx context.Context, m module.Version) (module.SourceLoc, error) {
	if _, err := f.FetchFromCache(m); err != nil {
		f.mu.Lock()
		f.modules = append(f.modules, m.String())
		f.mu.Unlock()
	}
	return f.CachedRegistry.Fetch(ctx, m)
}

// report says which modules were fetched for the package in dir, at its
// module file.
func (f *fetches) report(dir string) diag.List {
	f.mu.Lock()
	defer f.mu.Unlock()
	var l diag.List
	for _, m := range f.modules {
		l = append(l, &diag.Diagnostic{Severity: diag.Warning, Pos: diag.FileOnly(cmp.Or(ModuleFile(dir), dir)),
			Text: fmt.Sprintf("fetched CUE module %s from %s, as CUE_REGISTRY asks (unset, rollspec fetches nothing)", m, f.registry)})
	}
	return l
}

// noRegistry refuses to fetch any CUE module.
var noRegistry = &modconfig.LazyRegistry{New: func() (modconfig.CachedRegistry, error) {
	return nil, errors.New("rollspec fetches no CUE module unless asked (allowed: a module without dependencies, or CUE_REGISTRY set to the registry to fetch them from)")
}}

// placed gives a place to each of CUE's loader errors that has none
// ("no language version declared in module.cue"): the module file it
// names, found above file, or file itself.
func placed(errs diag.List, file string) diag.List {
	for _, d := range errs {
		if d.Pos.IsValid() || d.Pos.Filename() != "" {
			continue
		}
		d.Pos = diag.FileOnly(file)
		if strings.Contains(d.Text, "module.cue") {
			if m := ModuleFile(filepath.Dir(file)); m != "" {
				d.Pos = diag.FileOnly(m)
			}
		}
	}
	return errs
}

// ModuleFile is the cue.mod/module.cue of the CUE module dir is in, ""
// when there is none.
func ModuleFile(dir string) string {
	for {
		m := filepath.Join(dir, "cue.mod", "module.cue")
		if _, err := os.Stat(m); err == nil {
			return m
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// replacements refuses a CUE module's local replacement
// (cue.mod/local-module.cue, `replaceWith: "../elsewhere"`) that leads out
// of the module, unless reads outside the named paths are allowed: it
// would load CUE packages, and show their values in messages, from
// anywhere on the machine.
func (j *job) replacements(dir string) diag.List {
	mod := ModuleFile(dir)
	if mod == "" || j.outside {
		return nil
	}
	root := filepath.Dir(filepath.Dir(mod))
	local := filepath.Join(filepath.Dir(mod), "local-module.cue")
	src, err := specpath.ReadFile(local, specpath.MaxConfigBytes)
	if err != nil {
		return nil // none, or CUE's loader reports why it cannot be read
	}
	v, refused := j.compileCUE(local, src)
	if len(refused) > 0 {
		return refused
	}
	deps, err := v.LookupPath(cue.MakePath(cue.Str("deps"))).Fields()
	if err != nil {
		return nil
	}
	var errs diag.List
	for deps.Next() {
		rw := deps.Value().LookupPath(cue.MakePath(cue.Str("replaceWith")))
		to, err := rw.String()
		if err != nil || !(strings.HasPrefix(to, ".") || filepath.IsAbs(to)) {
			continue // a module path: fetched, or refused, by the registry
		}
		target := to
		if !filepath.IsAbs(to) {
			target = filepath.Join(root, to)
		}
		if !specpath.Within(root, target) {
			// A field of the module file, not of a release: named in the text.
			errs = append(errs, &diag.Diagnostic{Pos: rw.Pos(),
				Text: fmt.Sprintf("deps.%s.replaceWith: %s leads out of the CUE module at %s, which is not read (allowed: a directory inside the module; or --follow-links)", deps.Selector(), to, root)})
		}
	}
	return errs
}
