package podcheck

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/podwarn"
	"github.com/rollspec/rollspec/release"
)

// Where is the field of r's spec that writes the field at, below the
// compiled pod template (spec and its metadata) of the version playing
// role: the main container's ports, env and resources where the short
// form writes them, a sidecar or volume by its name, a pod field in the
// version's overlay when it writes it, else the release's section.
func Where(r *release.Release, role string, spec *corev1.PodSpec, at podwarn.Path) fieldpath.Path {
	l := &locator{r: r, at: fieldpath.Role(role), dec: &decoded{}}
	for _, m := range r.Versions() {
		if m.Role == role {
			l.m = m
		}
	}
	if len(at) < 2 {
		return fieldpath.Pod.Path
	}
	if at[0] == "metadata" {
		if len(at) < 3 || at[1] != "annotations" {
			return fieldpath.PodAnnotations
		}
		k, _ := podwarn.IsKey(at[2])
		if _, ok := r.PodAnnotations[k]; ok {
			return fieldpath.PodAnnotations.Key(k)
		}
		return fieldpath.Annotations.Key(k)
	}
	field, rest := at[1], at[2:]
	i, indexed := 0, false
	if len(rest) > 0 {
		i, indexed = podwarn.IsIndex(rest[0])
	}
	switch {
	case (field == "containers" || field == "initContainers") && indexed:
		cs := spec.Containers
		if field == "initContainers" {
			cs = spec.InitContainers
		}
		if i >= len(cs) {
			break
		}
		if field == "containers" && cs[i].Name == r.Name {
			return l.mainField(&cs[i], rest[1:])
		}
		if p, ok := l.find(field, "name", cs[i].Name, 0); ok {
			return fieldpath.Kube{Path: p}.Below(cueRel(rest[1:]))
		}
	case field == "volumes" && indexed && i < len(spec.Volumes):
		return fieldpath.Kube{Path: l.entry(false, "volumes", "name", spec.Volumes[i].Name, 0)}.Below(cueRel(rest[1:]))
	}
	return l.section(false, field).Below(cueRel(at[1:]))
}

// mainField is where the spec writes the field at below the main
// container c: rollspec's ports, its short-form env and resources, or
// the container section.
func (l *locator) mainField(c *corev1.Container, at podwarn.Path) fieldpath.Path {
	if len(at) == 0 {
		return fieldpath.Container.Path
	}
	var i int
	var indexed bool
	if len(at) > 1 {
		i, indexed = podwarn.IsIndex(at[1])
	}
	switch {
	case at[0] == "ports" && indexed && i < len(l.r.Ports):
		return fieldpath.Kube{Path: fieldpath.Ports.At(i).Path}.Below(cueRel(at[2:]))
	case at[0] == "env" && indexed && i < len(c.Env):
		name := c.Env[i].Name
		// The nth entry of the name: a later duplicate is in container.env.
		nth := 0
		for _, e := range c.Env[:i] {
			if e.Name == name {
				nth++
			}
		}
		short := l.r.Env
		if _, ok := l.m.Version.Env[name]; ok {
			if nth == 0 {
				return l.at.Env.Key(name)
			}
			nth--
		} else if _, ok := short[name]; ok {
			if nth == 0 {
				return fieldpath.Env.Key(name)
			}
			nth--
		}
		for _, s := range []struct {
			k   fieldpath.Kube
			raw []byte
		}{{l.at.Container, l.m.Version.Container}, {fieldpath.Container, l.r.Container}} {
			if j := l.dec.nthIndex(s.raw, "env", "name", name, nth); j >= 0 {
				return s.k.Below(fmt.Sprintf("env[%d]", j))
			}
		}
	case at[0] == "resources" && l.r.Resources != nil && !l.m.Version.Overrides("resources"):
		p := fieldpath.Resources.Path
		if len(at) > 2 {
			k, _ := podwarn.IsKey(at[2])
			switch at[1] {
			case "requests":
				return fieldpath.Resources.Requests.Key(k)
			case "limits":
				return fieldpath.Resources.Limits.Key(k)
			}
		}
		return p
	}
	return l.section(true, at[0]).Below(cueRel(at))
}

// cueRel writes a Kubernetes field path as fieldpath.Kube.Below reads
// it: names dotted, indexes in brackets, map keys as quoted names.
func cueRel(at podwarn.Path) string {
	var b strings.Builder
	for _, e := range at {
		if _, ok := podwarn.IsIndex(e); ok {
			b.WriteString(e)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		if k, ok := podwarn.IsKey(e); ok {
			b.WriteString(fieldpath.Root.Key(k).String())
			continue
		}
		b.WriteString(e)
	}
	return b.String()
}
