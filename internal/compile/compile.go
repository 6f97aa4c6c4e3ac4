package compile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"cuelang.org/go/cue/token"
	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/manifest"
	"github.com/rollspec/rollspec/internal/podcheck"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/release"
)

// Release is one compiled release.
type Release struct {
	// Spec is the validated spec it came from.
	Spec *load.Spec
	// Result holds the objects and the strategy's plan; nil when
	// compiled by Rendered.
	Result *gen.Result
	// YAML is Result's objects rendered as a stream with the header.
	YAML []byte
	// Warnings are the spec's and the compiler's warnings, positioned.
	Warnings diag.List
	ids      []objectID // Result's objects, for collisions between releases
}

// objectID names an object as the API server does: two objects with one
// ID are one object.
type objectID struct{ kind, namespace, name string }

// FileName is the file a release is written to with `build -o DIR`:
// `<namespace>.<name>.yaml`, unique per release.
func (r *Release) FileName() string {
	return r.Spec.Release.Namespace + "." + r.Spec.Release.Name + ".yaml"
}

// Paths loads, validates and compiles every release under paths, which
// list specs (specpath.Listed), following links out of them as links says.
// On any invalid spec it returns no releases and a diag.List of every
// problem.
func Paths(l *load.Loader, links specpath.Links, paths []string) ([]*Release, error) {
	specs, err := l.Load(specpath.Collect(paths, specpath.Listed, links)).Releases(nil)
	if err != nil {
		return nil, err
	}
	return Specs(specs)
}

// Bytes compiles the releases of one in-memory file.
func Bytes(l *load.Loader, filename string, src []byte) ([]*Release, error) {
	specs, err := l.LoadBytes(filename, src).Releases(nil)
	if err != nil {
		return nil, err
	}
	return Specs(specs)
}

// Specs compiles validated specs in parallel, keeping their order.
func Specs(specs []*load.Spec) ([]*Release, error) { return compileAll(specs, true) }

// Rendered compiles as Specs does but keeps of each release only what a
// command writes (its YAML and warnings), not its objects: those of
// 10,000 releases take ~150 MB.
func Rendered(specs []*load.Spec) ([]*Release, error) { return compileAll(specs, false) }

// compileAll compiles specs, keeping each release's objects if objects.
func compileAll(specs []*load.Spec, objects bool) ([]*Release, error) {
	out := make([]*Release, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(specs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = one(specs[i], objects)
			}
		}()
	}
	for i := range specs {
		next <- i
	}
	close(next)
	wg.Wait()
	var list diag.List
	for i, err := range errs {
		var positioned diag.List
		switch {
		case errors.As(err, &positioned):
			list = append(list, positioned...)
		case err != nil:
			list = append(list, &diag.Diagnostic{Pos: specs[i].Pos(fieldpath.Root), Text: err.Error()})
		}
	}
	if len(list) > 0 {
		return nil, list.Sort()
	}
	if list := collisions(out); len(list) > 0 {
		return nil, list.Sort()
	}
	return out, nil
}

// collisions reports objects two releases both compile: names derive
// from release names (`web`'s version v1 is Deployment `web-v1`, which is
// also all of a release named `web-v1`), and applying both would make one
// release overwrite the other's object, or be refused as a change of an
// immutable selector.
func collisions(rs []*Release) diag.List {
	owner := map[objectID]*Release{}
	var list diag.List
	for _, r := range rs {
		for _, id := range r.ids {
			first, ok := owner[id]
			if !ok {
				owner[id] = r
				continue
			}
			if first == r {
				continue
			}
			list = append(list, &diag.Diagnostic{Pos: r.Spec.Pos(fieldpath.Name), Field: fieldpath.Name.String(), Refs: []token.Pos{first.Spec.Pos(fieldpath.Name)},
				Text: fmt.Sprintf("compiles %s %s in namespace %s, as release %q at {0} does (allowed: release names whose objects differ, e.g. not one release's name plus another's version or -preview)",
					id.kind, id.name, id.namespace, first.Spec.Release.Name)})
		}
	}
	return list
}

// one compiles s, keeping its objects if objects.
func one(s *load.Spec, objects bool) (*Release, error) {
	res, err := gen.Compile(s.Release)
	if err != nil {
		return nil, err
	}
	// The generators' errors and the checks that need the compiled
	// objects, all reported at once.
	for _, d := range res.Diagnostics {
		d.Pos = s.Pos(fieldpath.Of(d)) // the generators name the field, the spec knows where it is
	}
	bad, warns := res.Diagnostics.Split()
	warns = append(append(diag.List(nil), s.Warnings...), warns...)
	if bad = append(append(bad, budget(s, res.Plan)...), podSecurity(s, res.Objects)...); len(bad) > 0 {
		return nil, bad
	}
	warns = append(warns, podWarnings(s, res.Objects)...)
	y, err := manifest.Render(res.Objects)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	ids := make([]objectID, len(res.Objects))
	for i, o := range res.Objects {
		ids[i] = objectID{o.GetObjectKind().GroupVersionKind().Kind, o.GetNamespace(), o.GetName()}
	}
	if !objects {
		res = nil
	}
	return &Release{Spec: s, Result: res, YAML: y, Warnings: warns, ids: ids}, nil
}

// Stream joins the releases' YAML into one stream with a single header.
func Stream(rs []*Release) []byte {
	n := len(manifest.Header)
	for _, r := range rs {
		n += len(r.YAML) + len("---\n")
	}
	b := bytes.NewBuffer(make([]byte, 0, n))
	WriteStream(b, rs)
	return b.Bytes()
}

// WriteStream writes the releases' YAML to w as one stream with a single
// header, as Stream joins it, without holding the stream in memory.
func WriteStream(w io.Writer, rs []*Release) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.WriteString(manifest.Header)
	for i, r := range rs {
		body := r.YAML[len(manifest.Header):]
		if i > 0 && len(body) > 0 {
			bw.WriteString("---\n")
		}
		bw.Write(body)
	}
	return bw.Flush()
}

// podSecurity checks every compiled pod template at the release's Pod
// Security level with the API server's own evaluator: a violation is an
// error at the spec's field that causes it.
func podSecurity(s *load.Spec, objs []gen.Object) diag.List {
	return perPod(s, objs, func(role string, t *corev1.PodTemplateSpec) (list diag.List) {
		for _, p := range podcheck.Security(s.Release, role, &t.ObjectMeta, &t.Spec) {
			list = append(list, &diag.Diagnostic{Pos: s.Pos(p.At), Field: p.At.String(), Text: p.Text})
		}
		return list
	})
}

// perPod runs check on every compiled pod template, with the role of the
// version whose pods it makes, and gathers what it finds, each problem
// once: the versions' pods often share the field that causes one.
func perPod(s *load.Spec, objs []gen.Object, check func(role string, t *corev1.PodTemplateSpec) diag.List) diag.List {
	var list diag.List
	for _, o := range objs {
		t := gen.PodTemplate(o)
		if t == nil {
			continue
		}
		for _, d := range check(roleOf(s, t.Labels), t) {
			if !slices.ContainsFunc(list, func(e *diag.Diagnostic) bool { return e.Field == d.Field && e.Text == d.Text }) {
				list = append(list, d)
			}
		}
	}
	return list
}

// roleOf is the role of the version whose pods carry labels.
func roleOf(s *load.Spec, labels map[string]string) string {
	if c := s.Release.Candidate; c != nil && labels[release.LabelVersion] == c.Version && c.Version != s.Release.Stable.Version {
		return release.RoleCandidate
	}
	return release.RoleStable
}
