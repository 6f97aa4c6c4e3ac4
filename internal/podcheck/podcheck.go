package podcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/kubetype"
	"github.com/rollspec/rollspec/release"
)

// ownedContainerFields are the main container's fields rollspec writes.
var ownedContainerFields = []string{"name", "image", "ports", "imagePullPolicy"}

// ConfigVolume is the name of the volume rollspec mounts config from,
// with configPath.
const ConfigVolume = "config"

// Problem is one problem at a field of the release.
type Problem struct {
	At   fieldpath.Path
	Text string
}

// Check returns the problems of r's pod and container sections, and, if
// versions (the stable and candidate versions were valid), of each
// version's overlay and of the pod each version runs.
func Check(r *release.Release, versions bool) []Problem {
	c := &checker{r: r}
	if versions {
		c.envOrders(r.Versions())
	} else {
		c.envOrders([]release.Member{{Role: release.RoleStable, Version: &release.Version{}}})
	}
	if !written(r) {
		return c.problems // nothing in Kubernetes' shape: nothing more to check
	}
	c.section(fieldpath.Container, r.Container, corev1.Container{}, false)
	c.section(fieldpath.Pod, r.Pod, corev1.PodSpec{}, false)
	if st := r.StatefulSet; st != nil {
		c.section(fieldpath.StatefulSet.VolumeClaimTemplates, st.VolumeClaimTemplates, []corev1.PersistentVolumeClaim{}, false)
		c.claims(st.VolumeClaimTemplates)
	}
	if !versions {
		// The pod the release's own sections make, without a version's
		// overlay: its problems are the release's either way.
		c.owned(nil)
		c.merged(release.Member{Role: release.RoleStable, Version: &release.Version{}})
		return c.problems
	}
	members := r.Versions()
	for _, m := range members {
		at := fieldpath.Role(m.Role)
		c.section(at.Container, m.Version.Container, corev1.Container{}, true)
		c.section(at.Pod, m.Version.Pod, corev1.PodSpec{}, true)
	}
	c.owned(members)
	// The versions without overlays run the same pod, made of the
	// release's sections (with the config volume or without): its
	// problems are found once.
	checked := map[bool]bool{} // by whether the pod has the config volume
	for _, m := range members {
		if len(m.Version.Pod) == 0 && len(m.Version.Container) == 0 {
			config := configVolume(r, m.Version)
			if checked[config] {
				continue
			}
			checked[config] = true
		}
		c.merged(m)
	}
	return c.problems
}

type checker struct {
	r        *release.Release
	problems []Problem
	dec      decoded
}

// add records a problem, once: both versions may run into one problem
// of the release's sections.
func (c *checker) add(at fieldpath.Path, format string, args ...any) {
	p := Problem{at, fmt.Sprintf(format, args...)}
	if !slices.Contains(c.problems, p) {
		c.problems = append(c.problems, p)
	}
}

// section checks one section against its Kubernetes type; a version's
// overlay may hold strategic merge patch directives ($patch: delete).
func (c *checker) section(at fieldpath.Kube, raw json.RawMessage, like any, overlay bool) {
	var hide []string
	if _, ok := like.(corev1.Container); ok {
		hide = ownedContainerFields
	}
	var problems []kubetype.Problem
	if v, err := c.dec.value(raw); err != nil {
		problems = []kubetype.Problem{{Text: "is not JSON: " + err.Error()}}
	} else if v != nil {
		problems = kubetype.CheckValue(v, like, hide...)
	}
	for _, p := range problems {
		if overlay && directive(p.Path) {
			continue
		}
		c.add(at.Below(p.Path), "%s", p.Text)
	}
}

// directive reports whether the last field of path is a strategic merge
// patch directive, such as $patch or $setElementOrder/env.
func directive(path string) bool {
	i := strings.LastIndexAny(path, ".]")
	last := strings.Trim(path[i+1:], `"`)
	return strings.HasPrefix(last, "$")
}

// decoded remembers the sections a check has decoded, each once: every
// check of a section reads the one value, and a check looks entries up
// many times (where was this mount written?).
type decoded struct {
	values map[*byte]decodedValue
}

type decodedValue struct {
	v   any
	err error
}

// value is raw decoded as kubetype.CheckValue takes it (numbers as
// json.Number), nil for an empty section.
func (d *decoded) value(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	if d.values == nil {
		d.values = map[*byte]decodedValue{}
	}
	v, ok := d.values[&raw[0]]
	if !ok {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		v.err = dec.Decode(&v.v)
		d.values[&raw[0]] = v
	}
	return v.v, v.err
}

// fields are the top-level fields of the section raw, nil when it is no
// object.
func (d *decoded) fields(raw json.RawMessage) map[string]any {
	v, _ := d.value(raw)
	m, _ := v.(map[string]any)
	return m
}

// owned refuses, in the release's sections and each version's, the fields
// rollspec writes itself or that the spec sets elsewhere.
func (c *checker) owned(members []release.Member) {
	r := c.r
	type section struct {
		container, pod fieldpath.Kube
		craw, praw     json.RawMessage
		env            map[string]string
	}
	sections := []section{{fieldpath.Container, fieldpath.Pod, r.Container, r.Pod, r.Env}}
	for _, m := range members {
		at := fieldpath.Role(m.Role)
		sections = append(sections, section{at.Container, at.Pod, m.Version.Container, m.Version.Pod, release.Merged(r.Env, m.Version.Env)})
	}
	for i, s := range sections {
		version := i > 0 // a version's overlay may override what the release sets in short form
		cf, pf := c.dec.fields(s.craw), c.dec.fields(s.praw)
		for _, o := range []struct {
			field, why string
			set        bool
		}{
			{"name", "rollspec names the main container after the release (allowed: leave it out)", true},
			{"image", "rollspec writes the main container's image (allowed: image, and each version's tag or digest)", true},
			{"ports", "rollspec writes the main container's ports (allowed: ports, which the Services and routes use too)", true},
			{"imagePullPolicy", "rollspec writes the main container's pull policy (allowed: imagePullPolicy, beside image)", true},
			{"readinessProbe", "is also set in short form (allowed: one of readinessProbe and container.readinessProbe)", r.ReadinessProbe != nil && !version},
			{"livenessProbe", "is also set in short form (allowed: one of livenessProbe and container.livenessProbe)", r.LivenessProbe != nil && !version},
			{"startupProbe", "is also set in short form (allowed: one of startupProbe and container.startupProbe)", r.StartupProbe != nil && !version},
			{"resources", "is also set in resources (allowed: one of resources and container.resources)", r.Resources != nil && !version},
		} {
			if _, ok := cf[o.field]; ok && o.set {
				c.add(s.container.Below(o.field), "%s", o.why)
			}
		}
		env, _ := cf["env"].([]any)
		for i, e := range env {
			e, _ := e.(map[string]any)
			if name, ok := e["name"].(string); ok {
				if _, ok := s.env[name]; ok {
					c.add(s.container.Below("env["+strconv.Itoa(i)+"].name"), "%s is also set in env (allowed: one of env and container.env)", name)
				}
			}
		}
		if restart, ok := pf["restartPolicy"].(string); ok && restart != "" && restart != string(corev1.RestartPolicyAlways) {
			c.add(s.pod.Below("restartPolicy"), "invalid value %q (allowed: \"Always\", the only restart policy of a workload's pods)", restart)
		}
		sc, _ := pf["securityContext"].(map[string]any)
		if _, ok := sc["runAsUser"].(json.Number); ok && r.RunAsUser != nil {
			c.add(s.pod.Below("securityContext.runAsUser"), "is also set in runAsUser (allowed: one of them)")
		}
	}
}

// configVolume reports whether the pods of version v mount config from
// rollspec's config volume.
func configVolume(r *release.Release, v *release.Version) bool {
	return len(release.Merged(r.Config, v.Config)) > 0 && r.ConfigPath != ""
}

// configNote explains a clash with rollspec's own config volume.
func configNote(name string) string {
	if name == ConfigVolume {
		return ": rollspec mounts config (configPath) from a volume of that name"
	}
	return ""
}

// indexOf is the index in raw's list field of the entry whose key is
// value, -1 when there is none.
func (d *decoded) indexOf(raw json.RawMessage, list, key, value string) int {
	return d.nthIndex(raw, list, key, value, 0)
}

// nthIndex is the index in raw's list field of the nth entry (from 0)
// whose key is value, -1 when there is none.
func (d *decoded) nthIndex(raw json.RawMessage, list, key, value string, nth int) int {
	l, _ := d.fields(raw)[list].([]any)
	for i, e := range l {
		e, _ := e.(map[string]any)
		if v, _ := e[key].(string); v == value {
			if nth == 0 {
				return i
			}
			nth--
		}
	}
	return -1
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}

// claims refuses claim templates the API server refuses: each needs its
// access modes and a storage request.
func (c *checker) claims(raw json.RawMessage) {
	var claims []corev1.PersistentVolumeClaim
	if json.Unmarshal(raw, &claims) != nil {
		return // a field of the wrong type, reported where it is
	}
	modes := []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod}
	for i, cl := range claims {
		at := fieldpath.StatefulSet.VolumeClaimTemplates.Below("[" + strconv.Itoa(i) + "]")
		below := func(rel string) fieldpath.Path {
			return fieldpath.StatefulSet.VolumeClaimTemplates.Below("[" + strconv.Itoa(i) + "]." + rel)
		}
		if len(cl.Spec.AccessModes) == 0 {
			c.add(at, "claim template %q has no spec.accessModes (allowed: a list such as [ReadWriteOnce])", cl.Name)
		}
		for j, m := range cl.Spec.AccessModes {
			switch {
			case !slices.Contains(modes, m):
				c.add(below(fmt.Sprintf("spec.accessModes[%d]", j)), "invalid value %q (allowed: %s)", m, strings.Join(quoted(toStrings(modes)), ", "))
			case m == corev1.ReadWriteOncePod && len(cl.Spec.AccessModes) > 1:
				c.add(below(fmt.Sprintf("spec.accessModes[%d]", j)), "ReadWriteOncePod goes alone (allowed: [ReadWriteOncePod], or the other modes without it)")
			}
		}
		if m := cl.Spec.VolumeMode; m != nil && *m != corev1.PersistentVolumeFilesystem && *m != corev1.PersistentVolumeBlock {
			c.add(below("spec.volumeMode"), "invalid value %q (allowed: \"Filesystem\" or \"Block\")", *m)
		}
		switch q, ok := cl.Spec.Resources.Requests[corev1.ResourceStorage]; {
		case !ok:
			c.add(at, "claim template %q requests no storage (allowed: spec.resources.requests.storage, such as 1Gi)", cl.Name)
		case q.Sign() <= 0:
			c.add(below("spec.resources.requests.storage"), "invalid value %q (allowed: a size above zero, such as 1Gi)", q.String())
		}
		m := cl.ObjectMeta
		if m.Namespace != "" || m.UID != "" || m.GenerateName != "" || len(m.OwnerReferences) > 0 || len(m.Finalizers) > 0 || m.ResourceVersion != "" {
			c.add(below("metadata"), "a claim template's metadata is its name, labels and annotations: the StatefulSet makes each claim in its own namespace (allowed: name, labels, annotations)")
		}
		if cl.Status.Phase != "" || len(cl.Status.AccessModes) > 0 || len(cl.Status.Capacity) > 0 {
			c.add(below("status"), "the cluster writes a claim's status (allowed: leave it out)")
		}
	}
}

func toStrings[S ~string](l []S) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = string(s)
	}
	return out
}

// claimNames are the names of the StatefulSet's claim templates, in
// order; "" for one without a name.
func (c *checker) claimNames() []string {
	if c.r.StatefulSet == nil {
		return nil
	}
	v, _ := c.dec.value(c.r.StatefulSet.VolumeClaimTemplates)
	l, _ := v.([]any)
	names := make([]string, len(l))
	for i, e := range l {
		e, _ := e.(map[string]any)
		meta, _ := e["metadata"].(map[string]any)
		names[i], _ = meta["name"].(string)
	}
	return names
}

// written reports whether r or a version has a pod or container section,
// or r claim templates.
func written(r *release.Release) bool {
	if r.StatefulSet != nil && len(r.StatefulSet.VolumeClaimTemplates) > 0 {
		return true
	}
	for _, m := range r.Versions() {
		if len(m.Version.Pod) > 0 || len(m.Version.Container) > 0 {
			return true
		}
	}
	return len(r.Pod) > 0 || len(r.Container) > 0
}
