package load

import (
	"fmt"
	"reflect"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/cuedecode"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/spell"
	"github.com/rollspec/rollspec/release"
	"github.com/rollspec/rollspec/schema"
)

// Spec is one validated release and where it was written.
type Spec struct {
	// Release is the decoded, checked release.
	Release *release.Release
	// File is the file the release was written in.
	File string
	// Warnings are problems that do not stop compilation.
	Warnings diag.List
	pos      positions
	root     token.Pos
}

// Pos returns where the field at (such as strategy.canary.steps[0]) was
// written, or the closest enclosing field that was.
func (s *Spec) Pos(at fieldpath.Path) token.Pos {
	for f := at.String(); f != ""; f = parent(f) {
		if p, ok := s.pos.find(f); ok {
			return p
		}
	}
	return s.root
}

// parent drops the last element of a field path.
func parent(f string) string {
	i := strings.LastIndexAny(f, ".[")
	if i < 0 {
		return ""
	}
	return f[:i]
}

// Warn records a warning at field.
func (s *Spec) Warn(at fieldpath.Path, format string, args ...any) {
	s.Warnings = append(s.Warnings, &diag.Diagnostic{Severity: diag.Warning, Pos: s.Pos(at), Field: at.String(), Text: fmt.Sprintf(format, args...)})
}

// fromDocuments splits a YAML/JSON value into releases: one struct, a
// list of them, or a stream of documents (which CUE presents as a list).
func (j *job) fromDocuments(v cue.Value, filename string) ([]*Spec, diag.List) {
	switch v.Kind() {
	case cue.StructKind:
		return j.validate(v, cue.Path{}, filename, token.NoPos)
	case cue.ListKind:
		var specs []*Spec
		var errs diag.List
		it, _ := v.List()
		for i := 0; it.Next(); i++ {
			if it.Value().Kind() == cue.NullKind {
				continue // an empty document, as after a trailing "---"
			}
			s, e := j.validate(it.Value(), cue.MakePath(cue.Index(i)), filename, token.NoPos)
			specs = append(specs, s...)
			errs = append(errs, e...)
		}
		return specs, errs
	case cue.NullKind, cue.BottomKind:
		if v.Kind() == cue.NullKind || !v.Exists() {
			return nil, nil // an empty file holds no release
		}
	}
	return nil, diag.List{{Pos: firstPos(v, filename), Text: "is not a release (allowed: a release, a mapping with name, image, …; or a list or stream of them)"}}
}

func firstPos(v cue.Value, filename string) token.Pos {
	if p := v.Pos(); p.IsValid() {
		return p
	}
	return token.NewFile(filename, -1, 1).Pos(0, token.NoRelPos)
}

// validate unifies one release with the schema, checks it and decodes it.
// prefix is where the release sits in its file, for messages.
// root is where it starts, token.NoPos to take its value's first position.
func (j *job) validate(data cue.Value, prefix cue.Path, filename string, root token.Pos) ([]*Spec, diag.List) {
	j.used++
	if j.progress != nil {
		j.progress.Add(1)
	}
	if !root.IsValid() {
		root = firstPos(data, filename)
	}
	v := &validator{schema: j.s.Release, data: data, root: root, src: j.src, skip: j.skip, yaml: j.yaml, bounds: j.bounds}
	var written map[string]bool // the schema's places the release writes
	if lit := syntaxOf(data); lit != nil && (j.used > 1 || schema.TrimmedBefore()) {
		// A process's first release is validated against the whole
		// schema: a process with one release never reads the schema's
		// shape, nor trims it.
		places := j.s.Written(lit)
		v.trimmed, _ = j.s.Trimmed(places)
		written = make(map[string]bool, len(places))
		for _, p := range places {
			written[p] = true
		}
	}
	u, errs := v.unify()
	if len(errs) > 0 {
		if specs, errs, ok := j.notRelease(data, prefix, filename, root); ok {
			return specs, errs
		}
	}
	lift := j.lifted[syntaxOf(data)]
	spec := &Spec{File: root.Filename(), root: root, pos: positionsOf(data, lift)}
	r := new(release.Release)
	if len(errs) == 0 {
		absent := func(t reflect.Type, name string) bool {
			if t == releaseType {
				_, wrote := spec.pos.find(name)
				return cuedecode.Optional(j.s.Release)[name] && !wrote
			}
			return absentAt(written, t, name)
		}
		if err := cuedecode.Release(u, r, absent); err != nil {
			errs = append(errs, &diag.Diagnostic{Pos: root, Text: fmt.Sprintf("decode: %v", err)})
		} else {
			lift.into(r)
			spec.Release = r
			errs = append(errs, check(spec, nil)...)
		}
	} else if sound := cuedecode.Sound(u, r, errs); sound != nil {
		lift.into(r)
		// Report what the cross-field rules find in the parts the schema
		// accepted too, so that one run shows every problem.
		spec.Release = r
		errs = append(errs, check(spec, sound)...)
	}
	if len(errs) > 0 {
		return nil, prefixed(errs, prefix)
	}
	return []*Spec{spec}, nil
}

// notRelease handles a document that failed validation because it is no
// release at all, ok false for a release with mistakes. Only then is it
// worth telling apart: listing every release field such a document lacks
// would bury the one thing to say.
func (j *job) notRelease(data cue.Value, prefix cue.Path, filename string, root token.Pos) (specs []*Spec, errs diag.List, ok bool) {
	api, _ := data.LookupPath(cue.MakePath(cue.Str("apiVersion"))).String()
	kind, _ := data.LookupPath(cue.MakePath(cue.Str("kind"))).String()
	fail := func(field, format string, args ...any) ([]*Spec, diag.List, bool) {
		return nil, prefixed(diag.List{{Pos: root, Field: field, Text: fmt.Sprintf(format, args...)}}, prefix), true
	}
	switch {
	case strings.HasPrefix(api, release.ConfigGroup+"/"):
		// rollspec's own kustomize function config, wherever the
		// kustomization that reads it lives: a ReleaseSet names specs found
		// elsewhere; a Release holds one under spec, checked here at the
		// lines the user wrote (kustomize hands the function a
		// re-serialized copy).
		spec := data.LookupPath(cue.MakePath(cue.Str("spec")))
		switch {
		case kind == release.ConfigReleaseSet:
			j.own = true
			return nil, nil, true
		case kind == release.ConfigRelease && spec.Exists():
			specs, errs := j.validate(spec, appendPath(prefix, cue.Str("spec")), filename, token.NoPos)
			return specs, errs, true
		case kind == release.ConfigRelease:
			// A misspelt spec: skipping it would drop the release.
			return fail("", "Release has no spec (allowed: spec: one release, as in a spec file)")
		}
		return fail("kind", "unknown rollspec kind %q (allowed: Release, ReleaseSet)", kind)
	case api != "" && kind != "":
		return fail("", "is a Kubernetes object (kind %s), not a release spec (allowed: a release: name, image, ports, stable, strategy, …)", kind)
	}
	if names := foreignFields(data, j.s.Release); names != nil {
		return fail("", "holds no release field (found %s), not a release spec (allowed: a release: name, image, ports, stable, strategy, …)", strings.Join(names, ", "))
	}
	return nil, nil, false
}

// foreignFields returns data's fields when none of them is a release
// field or close to one, nil otherwise.
func foreignFields(data, release cue.Value) []string {
	it, err := data.Fields()
	if err != nil {
		return nil
	}
	known := fieldNames(release)
	var names []string
	for it.Next() {
		// A release field, or one misspelt: a release with mistakes.
		if release.Allows(it.Selector()) || spell.Closest(it.Selector().String(), known) != "" {
			return nil
		}
		names = append(names, it.Selector().String())
	}
	return names
}

// prefixed adds the release's place in its file to each problem's field.
func prefixed(errs diag.List, prefix cue.Path) diag.List {
	p := prefix.String()
	if p == "" {
		return errs
	}
	for _, e := range errs {
		switch {
		case e.Field == "":
			e.Field = p
		case strings.HasPrefix(e.Field, "["):
			e.Field = p + e.Field
		default:
			e.Field = p + "." + e.Field
		}
	}
	return errs
}

// releaseType is the type a release decodes into.
var releaseType = reflect.TypeFor[release.Release]()

// places are the schema's definitions the release's nested types decode
// from.
var places = map[reflect.Type]string{
	reflect.TypeFor[release.Version]():  "#Version",
	reflect.TypeFor[release.Port]():     "#Port",
	reflect.TypeFor[release.Probe]():    "#Probe",
	reflect.TypeFor[release.Strategy](): "#Strategy",
}

// absentAt reports whether a field of a nested struct of type t is
// optional in the schema and written nowhere in the release (written are
// the places it writes, nil when unknown): then no value has it.
func absentAt(written map[string]bool, t reflect.Type, name string) bool {
	place, ok := places[t]
	return ok && written != nil && schema.Optional(place, name) && !written[place+"."+name]
}
