package fn

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/release"
)

// Processor compiles the function config's releases into items.
type Processor struct {
	// Loader validates specs; share one to reuse its compiled schema. A
	// ReleaseSet's paths list specs (specpath.Listed): a file among them
	// that is no spec is a problem, not a file to pass over.
	Loader *load.Loader
	// Dir resolves ReleaseSet paths; "" means the working directory.
	Dir string
	// Unrestricted lets a ReleaseSet's paths, and links under them, lead
	// out of Dir. By default they may not, as kustomize's load restrictor
	// keeps a kustomization inside its root: the function config is
	// written by whoever writes the kustomization, and must not make
	// rollspec read (and echo) files elsewhere on the machine.
	Unrestricted bool
	// Warnings, when set, also gets each warning as a line "warning: …":
	// kustomize drops a function's warning results, but passes its
	// standard error on to the user.
	Warnings io.Writer
}

// Process compiles rl's function config and appends the compiled objects
// to rl.Items, warnings to rl.Results. An invalid config or spec adds
// error results and returns them as the error; rl.Items is then unchanged.
func (p *Processor) Process(rl *ResourceList) error {
	cfg := rl.FunctionConfig
	if cfg == nil {
		return p.fail(rl, &Result{Severity: Error,
			Message: fmt.Sprintf("no functionConfig (allowed: kind %s or %s, apiVersion %s)", release.ConfigRelease, release.ConfigReleaseSet, release.ConfigAPIVersion)})
	}
	origin := configPath(cfg)
	if v := cfg.GetApiVersion(); v != release.ConfigAPIVersion {
		return p.fail(rl, &Result{Severity: Error, File: file(origin), Field: &Field{Path: "apiVersion"},
			Message: fmt.Sprintf("unknown apiVersion %q (allowed: %s)", v, release.ConfigAPIVersion)})
	}
	var rs []*compile.Release
	var err error
	var inline *inlineSpec // where the problems of an inline spec are
	ref := &yaml.ResourceIdentifier{
		TypeMeta: yaml.TypeMeta{APIVersion: cfg.GetApiVersion(), Kind: cfg.GetKind()},
		NameMeta: yaml.NameMeta{Name: cfg.GetName(), Namespace: cfg.GetNamespace()},
	}
	switch kind := cfg.GetKind(); kind {
	case release.ConfigRelease:
		spec := cfg.Field("spec")
		if spec == nil {
			return p.fail(rl, &Result{Severity: Error, Message: "Release has no spec (allowed: spec: one release, as in a spec file)", File: file(origin)})
		}
		inline = &inlineSpec{ref: ref, file: origin}
		var src string
		if src, err = spec.Value.String(); err == nil {
			rs, err = compile.Bytes(p.Loader, "functionConfig.spec.yaml", []byte(src))
		}
	case release.ConfigReleaseSet:
		set, problems := releaseSetPaths(cfg)
		if len(problems) > 0 {
			for _, r := range problems {
				r.Severity, r.File, r.ResourceRef = Error, file(origin), ref
			}
			return p.fail(rl, problems...)
		}
		paths := make([]string, len(set))
		var outside []*Result
		for i, s := range set {
			paths[i] = filepath.Join(p.Dir, s)
			if !p.Unrestricted && !specpath.Within(p.Dir, paths[i]) {
				outside = append(outside, &Result{Severity: Error, File: file(origin), ResourceRef: ref, Field: &Field{Path: fmt.Sprintf("spec.paths[%d]", i)},
					Message: fmt.Sprintf("%s leads out of the kustomization's directory, which is not read (allowed: paths inside it, as kustomize's load restrictor requires; %s=none lifts it)", s, RestrictorEnv)})
			}
		}
		if len(outside) > 0 {
			return p.fail(rl, outside...)
		}
		links := specpath.Contained
		if p.Unrestricted {
			links = specpath.Followed
		}
		rs, err = compile.Paths(p.Loader, links, paths)
	default:
		return p.fail(rl, &Result{Severity: Error, File: file(origin),
			Message: fmt.Sprintf("unknown functionConfig kind %q (allowed: %s, %s)", kind, release.ConfigRelease, release.ConfigReleaseSet)})
	}
	if err != nil {
		return p.fail(rl, results(err, Error, inline)...)
	}
	for _, r := range rs {
		ws := results(r.Warnings, Warning, inline)
		rl.Results = append(rl.Results, ws...)
		if p.Warnings != nil {
			for _, w := range ws {
				fmt.Fprintln(p.Warnings, "warning: "+w.text())
			}
		}
	}
	nodes, err := kio.FromBytes(compile.Stream(rs))
	if err != nil {
		return fmt.Errorf("parse compiled objects: %w", err)
	}
	rl.Items = append(rl.Items, nodes...)
	return nil
}

// pathsAllowed is what a ReleaseSet's spec.paths allows.
const pathsAllowed = "allowed: a list of spec files or directories, relative to the kustomization, such as [specs/]"

// releaseSetPaths reads a ReleaseSet's spec.paths, or returns its problems
// (each with its field and message): as strict as a spec, a misspelt or
// unknown field is a problem, not ignored.
func releaseSetPaths(cfg *yaml.RNode) ([]string, []*Result) {
	problem := func(field, format string, args ...any) []*Result {
		return []*Result{{Field: &Field{Path: field}, Message: fmt.Sprintf(format, args...)}}
	}
	spec := cfg.Field("spec")
	if spec == nil || spec.Value.YNode().Kind != yaml.MappingNode {
		return nil, problem("spec", "ReleaseSet has no spec (allowed: spec.paths: a list of spec files or directories, relative to the kustomization)")
	}
	var out []*Result
	fields, _ := spec.Value.Fields() // a mapping: no error
	for _, f := range fields {
		if f != "paths" {
			out = append(out, problem("spec."+f, "unknown field (allowed: paths)")...)
		}
	}
	paths := spec.Value.Field("paths")
	switch {
	case paths == nil:
		return nil, append(out, problem("spec.paths", "missing required field (%s)", pathsAllowed)...)
	case paths.Value.YNode().Kind != yaml.SequenceNode:
		return nil, append(out, problem("spec.paths", "is not a list (%s)", pathsAllowed)...)
	}
	var set []string
	for i, n := range paths.Value.YNode().Content {
		if n.Kind != yaml.ScalarNode || n.Value == "" || n.Tag == yaml.NodeTagNull {
			out = append(out, problem(fmt.Sprintf("spec.paths[%d]", i), "is not a path (%s)", pathsAllowed)...)
			continue
		}
		set = append(set, n.Value)
	}
	if len(paths.Value.YNode().Content) == 0 {
		out = append(out, problem("spec.paths", "is empty (%s)", pathsAllowed)...)
	}
	return set, out
}

// configPath is where the runner says the function config came from, ""
// when it does not say (kustomize does not).
func configPath(cfg *yaml.RNode) string {
	if p, ok := cfg.GetAnnotations()[kioutil.PathAnnotation]; ok {
		return p
	}
	if p, ok := cfg.GetAnnotations()[kioutil.LegacyPathAnnotation]; ok {
		return p
	}
	return ""
}

// file is the result's File for the config's path, nil when unknown.
func file(path string) *File {
	if path == "" {
		return nil
	}
	return &File{Path: path}
}

// fail records results and returns them as the error, so the function
// exits non-zero.
func (p *Processor) fail(rl *ResourceList, rs ...*Result) error {
	rl.Results = append(rl.Results, rs...)
	return Results(rs)
}

// inlineSpec is the function config a Release spec was written in. The
// spec text rollspec sees is kustomize's copy of it, keys sorted and
// comments dropped, so its lines and columns are not the user's: problems
// name the config and the field under spec instead.
type inlineSpec struct {
	ref  *yaml.ResourceIdentifier
	file string // the config's path, "" when unknown
}

// result points at the config and at e's field from the config's root.
func (in *inlineSpec) result(e *diag.Diagnostic, sev Severity) *Result {
	path := "spec"
	if strings.HasPrefix(e.Field, "[") {
		path += e.Field
	} else if e.Field != "" {
		path += "." + e.Field
	}
	return &Result{Severity: sev, ResourceRef: in.ref, Field: &Field{Path: path},
		Message: e.Message(""), File: file(in.file)}
}

// results converts rollspec problems into KRM results. A problem in a spec
// file keeps rollspec's one-line `file:line:col: field: message` form and
// names the file in File; one in an inline spec
// points at the config by ResourceRef and at the field by its path from
// the config's root ("[error] rollspec.dev/v1alpha1/Release/web
// spec.replicas: message").
func results(err error, sev Severity, inline *inlineSpec) []*Result {
	list, ok := err.(diag.List)
	if !ok {
		return []*Result{{Severity: sev, Message: err.Error()}}
	}
	var out []*Result
	for _, e := range list.Sort() {
		if inline != nil {
			out = append(out, inline.result(e, sev))
			continue
		}
		// The message is rollspec's own line, field included: runners
		// print a result's field before its message, which would put the
		// field before the file's position.
		r := &Result{Severity: sev, Message: diag.FormatPos(e.Pos, "") + e.Error()}
		if f := e.Pos.Filename(); f != "" {
			r.File = &File{Path: f}
		}
		out = append(out, r)
	}
	return out
}

// RestrictorEnv names the environment variable that, set to "none", lets
// a ReleaseSet read outside its kustomization (Processor.Unrestricted),
// as kustomize's --load-restrictor LoadRestrictionsNone does for
// kustomize. It is the operator's choice, not the config author's.
const RestrictorEnv = "ROLLSPEC_LOAD_RESTRICTOR"
