package immutable

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/rollspec/rollspec/release"
)

// Template is the pod template of one workload of an output.
type Template struct {
	// Kind and Name are the workload's.
	Kind, Name string
	v          map[string]any
}

// Templates are the pod templates of the workloads (Deployments,
// StatefulSets, DaemonSets) whose pods carry version as their version
// label, in the stream's order.
func (o *Output) Templates(version string) []Template {
	var out []Template
	for _, obj := range o.list {
		if _, workload := Fields[obj.kind]; !workload {
			continue
		}
		t, _ := lookup(obj.v, "spec.template").(map[string]any)
		labels, _ := lookup(t, "metadata.labels").(map[string]any)
		if v, ok := labels[release.LabelVersion].(string); ok && v == version {
			out = append(out, Template{Kind: obj.kind, Name: obj.name, v: t})
		}
	}
	return out
}

// maxDifferences is how many differences TemplateChange names before
// counting the rest.
const maxDifferences = 3

// TemplateChange compares the pod templates a version's workloads run in
// a new output (is) with those they ran before (was), and describes, for
// the first new template that none before equals, what changed since the
// one before it is compared with (the same workload's, else the first):
// the main container's image as "image A → B", a ConfigMap referenced
// by another name (a hashed one: new config) as "ConfigMap A → B", any
// other field as its
// path in the template ("spec.containers[web].env[LOG_LEVEL].value: info
// → debug", list items by name where they have one), at most three and
// a count of the rest. "" when every new template ran before, or when
// there was none before (nothing to compare with).
func TemplateChange(was, is []Template) string {
	if len(was) == 0 {
		return ""
	}
	for _, t := range is {
		if slices.ContainsFunc(was, func(w Template) bool { return reflect.DeepEqual(w.v, t.v) }) {
			continue
		}
		old := was[0]
		if i := slices.IndexFunc(was, func(w Template) bool { return w.Kind == t.Kind && w.Name == t.Name }); i >= 0 {
			old = was[i]
		}
		return describe(differences(old.v, t.v, "", nil), mainContainer(t.v))
	}
	return ""
}

// difference is one field that differs between two templates.
type difference struct {
	path     string
	was, is  any
	had, has bool // whether the field is there before and after
}

// mainContainer is the path of the template's first container, the one
// rollspec compiles from the spec's image.
func mainContainer(t map[string]any) string {
	cs, _ := lookup(t, "spec.containers").([]any)
	if len(cs) == 0 {
		return ""
	}
	c, _ := cs[0].(map[string]any)
	if name, ok := c["name"].(string); ok {
		return "spec.containers[" + name + "]"
	}
	return "spec.containers[0]"
}

// describe writes the differences as TemplateChange does.
func describe(ds []difference, main string) string {
	// The image first: it is what the version label stands for.
	slices.SortStableFunc(ds, func(a, b difference) int {
		ai, bi := a.path == main+".image", b.path == main+".image"
		switch {
		case ai == bi:
			return 0
		case ai:
			return -1
		}
		return 1
	})
	var parts []string
	for _, d := range ds[:min(len(ds), maxDifferences)] {
		switch {
		case d.path == main+".image" && d.had && d.has:
			parts = append(parts, fmt.Sprintf("image %v → %v", d.was, d.is))
		case configMap(d.path) && d.had && d.has:
			// The name of a hashed ConfigMap: the config changed.
			parts = append(parts, fmt.Sprintf("ConfigMap %v → %v", d.was, d.is))
		case !d.had:
			parts = append(parts, d.path+" added")
		case !d.has:
			parts = append(parts, d.path+" removed")
		case scalar(d.was) && scalar(d.is):
			parts = append(parts, fmt.Sprintf("%s: %v → %v", d.path, d.was, d.is))
		default:
			parts = append(parts, d.path)
		}
	}
	if n := len(ds) - maxDifferences; n > 0 {
		parts = append(parts, fmt.Sprintf("%d more", n))
	}
	return strings.Join(parts, ", ")
}

// configMap reports whether path names the ConfigMap of an envFrom or a
// volume.
func configMap(path string) bool {
	return strings.HasSuffix(path, ".configMapRef.name") || strings.HasSuffix(path, ".configMap.name")
}

// scalar reports whether v is a string, number or boolean.
func scalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any, nil:
		return false
	}
	return true
}

// differences appends the fields that differ between a and b, at path,
// to ds: leaves, whole maps or lists present on one side only, and lists
// whose items have no names and whose lengths differ.
func differences(a, b any, path string, ds []difference) []difference {
	if reflect.DeepEqual(a, b) {
		return ds
	}
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(a)+len(b))
		for k := range a {
			keys = append(keys, k)
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			va, had := a[k]
			vb, has := b[k]
			p := join(path, k)
			if !had || !has {
				ds = append(ds, difference{path: p, was: va, is: vb, had: had, has: has})
				continue
			}
			ds = differences(va, vb, p, ds)
		}
		return ds
	case []any:
		b, ok := b.([]any)
		if !ok {
			break
		}
		if na, nb := names(a), names(b); na != nil && nb != nil {
			before := len(ds)
			for _, n := range na {
				i := slices.Index(nb, n)
				if i < 0 {
					ds = append(ds, difference{path: path + "[" + n + "]", had: true})
					continue
				}
				ds = differences(a[slices.Index(na, n)], b[i], path+"["+n+"]", ds)
			}
			for i, n := range nb {
				if !slices.Contains(na, n) {
					ds = append(ds, difference{path: path + "[" + n + "]", is: b[i], has: true})
				}
			}
			if len(ds) == before {
				// The same items in another order.
				ds = append(ds, difference{path: path, was: a, is: b, had: true, has: true})
			}
			return ds
		}
		if len(a) != len(b) {
			break
		}
		for i := range a {
			ds = differences(a[i], b[i], fmt.Sprintf("%s[%d]", path, i), ds)
		}
		return ds
	}
	return append(ds, difference{path: path, was: a, is: b, had: true, has: true})
}

// names are the "name" fields of a list's items, nil unless every item
// has one and no two share one.
func names(list []any) []string {
	var ns []string
	for _, item := range list {
		m, _ := item.(map[string]any)
		n, ok := m["name"].(string)
		if !ok || slices.Contains(ns, n) {
			return nil
		}
		ns = append(ns, n)
	}
	return ns
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// VersionDifference describes how the pod template is, one version's,
// differs from was, the other version's of the same release, beyond what
// tells two versions apart — the main container's image and pull policy,
// the version labels — as TemplateChange writes a change ("spec.containers
// [web].env removed", at most three and a count of the rest); "" when in
// nothing else. Both are JSON values (objects decoded into map[string]any).
func VersionDifference(was, is any) string {
	wm, _ := was.(map[string]any)
	im, _ := is.(map[string]any)
	main := mainContainer(im)
	versionsOwn := []string{main + ".image", main + ".imagePullPolicy",
		"metadata.labels." + release.LabelVersion, "metadata.labels." + release.LabelAppVersion}
	ds := slices.DeleteFunc(differences(wm, im, "", nil), func(d difference) bool {
		return slices.Contains(versionsOwn, d.path)
	})
	if len(ds) == 0 {
		return ""
	}
	return describe(ds, main)
}
