package fn

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/rollspec/rollspec/compile"
	"github.com/rollspec/rollspec/load"
)

// APIVersion of rollspec's function config kinds.
const APIVersion = "rollspec.dev/v1alpha1"

// Function config kinds.
const (
	// KindRelease holds one release spec inline under spec.
	KindRelease = "Release"
	// KindReleaseSet names spec files or directories under spec.paths,
	// relative to the directory the function runs in (for kustomize exec
	// functions, the kustomization's directory).
	KindReleaseSet = "ReleaseSet"
)

// Processor compiles the function config's releases into items.
type Processor struct {
	// Loader validates specs; share one to reuse its compiled schema.
	Loader *load.Loader
	// Dir resolves ReleaseSet paths; "" means the working directory.
	Dir string
}

var _ framework.ResourceListProcessor = (*Processor)(nil)

// Process implements framework.ResourceListProcessor.
func (p *Processor) Process(rl *framework.ResourceList) error {
	cfg := rl.FunctionConfig
	if cfg == nil {
		return p.fail(rl, &framework.Result{Severity: framework.Error,
			Message: fmt.Sprintf("no functionConfig (allowed: kind %s or %s, apiVersion %s)", KindRelease, KindReleaseSet, APIVersion)})
	}
	origin := configPath(cfg)
	var rs []*compile.Release
	var err error
	var inline *inlineSpec // where the problems of an inline spec are
	switch kind := cfg.GetKind(); kind {
	case KindRelease:
		spec := cfg.Field("spec")
		if spec == nil {
			return p.fail(rl, &framework.Result{Severity: framework.Error, Message: "Release has no spec (allowed: spec: one release, as in a spec file)", File: file(origin)})
		}
		inline = &inlineSpec{ref: &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: cfg.GetApiVersion(), Kind: kind},
			NameMeta: yaml.NameMeta{Name: cfg.GetName(), Namespace: cfg.GetNamespace()},
		}, file: origin}
		var src string
		if src, err = spec.Value.String(); err == nil {
			rs, err = compile.Bytes(p.Loader, "functionConfig.spec.yaml", []byte(src))
		}
	case KindReleaseSet:
		var set struct {
			Spec struct {
				Paths []string `yaml:"paths"`
			} `yaml:"spec"`
		}
		if err := yaml.Unmarshal([]byte(cfg.MustString()), &set); err != nil || len(set.Spec.Paths) == 0 {
			return p.fail(rl, &framework.Result{Severity: framework.Error, File: file(origin),
				Message: "ReleaseSet has no spec.paths (allowed: spec.paths: a list of spec files or directories, relative to the kustomization)"})
		}
		paths := make([]string, len(set.Spec.Paths))
		for i, s := range set.Spec.Paths {
			paths[i] = filepath.Join(p.Dir, s)
		}
		rs, err = compile.Paths(p.Loader, paths)
	default:
		return p.fail(rl, &framework.Result{Severity: framework.Error, File: file(origin),
			Message: fmt.Sprintf("unknown functionConfig kind %q (allowed: %s, %s)", kind, KindRelease, KindReleaseSet)})
	}
	if err != nil {
		return p.fail(rl, results(err, framework.Error, inline)...)
	}
	for _, r := range rs {
		rl.Results = append(rl.Results, results(r.Warnings, framework.Warning, inline)...)
	}
	nodes, err := kio.FromBytes(compile.Stream(rs))
	if err != nil {
		return fmt.Errorf("parse compiled objects: %w", err)
	}
	rl.Items = append(rl.Items, nodes...)
	return nil
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
func file(path string) *framework.File {
	if path == "" {
		return nil
	}
	return &framework.File{Path: path}
}

// fail records results and returns them as the error, so the function
// exits non-zero.
func (p *Processor) fail(rl *framework.ResourceList, rs ...*framework.Result) error {
	rl.Results = append(rl.Results, rs...)
	return framework.Results(rs)
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
func (in *inlineSpec) result(e *load.Error, sev framework.Severity) *framework.Result {
	path := "spec"
	if strings.HasPrefix(e.Field, "[") {
		path += e.Field
	} else if e.Field != "" {
		path += "." + e.Field
	}
	return &framework.Result{Severity: sev, ResourceRef: in.ref, Field: &framework.Field{Path: path},
		Message: e.Message(""), File: file(in.file)}
}

// results converts rollspec problems into KRM results. A problem in a spec
// file keeps rollspec's one-line `file:line:col: message` form, its field
// in Field (runners print "[error] field: message"); one in an inline spec
// points at the config by ResourceRef and at the field by its path from
// the config's root ("[error] rollspec.dev/v1alpha1/Release/web
// spec.replicas: message").
func results(err error, sev framework.Severity, inline *inlineSpec) []*framework.Result {
	list, ok := err.(load.List)
	if !ok {
		return []*framework.Result{{Severity: sev, Message: err.Error()}}
	}
	var out []*framework.Result
	for _, e := range list.Sort() {
		if inline != nil {
			out = append(out, inline.result(e, sev))
			continue
		}
		r := &framework.Result{Severity: sev}
		switch {
		case e.Field != "":
			r.Field = &framework.Field{Path: e.Field}
			r.Message = load.FormatPos(e.Pos, "") + e.Message("")
		default:
			r.Message = load.FormatPos(e.Pos, "") + e.Error()
		}
		if f := e.Pos.Filename(); f != "" {
			r.File = &framework.File{Path: f}
		}
		out = append(out, r)
	}
	return out
}

// Run reads a ResourceList from in, compiles it and writes the result to
// out; the error is non-nil when any release is invalid.
func Run(p *Processor, in io.Reader, out io.Writer) error {
	return framework.Execute(p, &kio.ByteReadWriter{Reader: in, Writer: out, KeepReaderAnnotations: true})
}
