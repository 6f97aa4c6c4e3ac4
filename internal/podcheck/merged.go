package podcheck

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// merged checks the pod version m runs — the release's sections with the
// version's overlaid — as the API server validates a pod: what each
// entry needs (a name, one volume source), what must be unique, what a
// mount or a reference names, and the values Kubernetes allows where a
// field takes one of a few. Each problem is at the entry the spec wrote,
// in the version's overlay or the release's section.
func (c *checker) merged(m release.Member) {
	r := c.r
	pod, main, err := r.PodOf(m.Version)
	if err != nil {
		return // a field of the wrong type, reported where it is
	}
	l := &locator{r: r, m: m, at: fieldpath.Role(m.Role), dec: &c.dec}
	volumes := map[string]bool{}
	var names []string
	if configVolume(r, m.Version) {
		volumes[ConfigVolume] = true
		names = append(names, ConfigVolume)
	}
	// A StatefulSet's claim templates are volumes of each pod too.
	for i, name := range c.claimNames() {
		at := fieldpath.StatefulSet.VolumeClaimTemplates.Below(fmt.Sprintf("[%d].metadata.name", i))
		switch {
		case !dnsLabel(name):
			c.add(at, "claim template name %q is not a DNS-1123 label (allowed: lowercase letters, digits and '-', at most 63 characters)", name)
		case volumes[name]:
			c.add(at, "two claim templates are named %q%s (allowed: one per name)", name, configNote(name))
		}
		if !volumes[name] {
			names = append(names, name)
		}
		volumes[name] = true
	}
	seenVolume := map[string]int{}
	for _, v := range pod.Volumes {
		at := l.entry(false, "volumes", "name", v.Name, seenVolume[v.Name])
		seenVolume[v.Name]++
		switch {
		case !dnsLabel(v.Name):
			c.add(at, "volume name %q is not a DNS-1123 label (allowed: lowercase letters, digits and '-', at most 63 characters)", v.Name)
		case volumes[v.Name]:
			c.add(at, "two volumes are named %q%s (allowed: one volume per name, claim templates included)", v.Name, configNote(v.Name))
		}
		if n := sources(v.VolumeSource); n != 1 {
			c.add(at, "volume %q sets %d sources (allowed: exactly one, such as emptyDir: {}, configMap, secret or persistentVolumeClaim)", v.Name, n)
		}
		if !volumes[v.Name] {
			names = append(names, v.Name)
		}
		volumes[v.Name] = true
	}
	allowed := "none: declare it in pod.volumes, or a StatefulSet's statefulSet.volumeClaimTemplates"
	if len(names) > 0 {
		allowed = "a volume of the pod: " + strings.Join(quoted(slices.Sorted(slices.Values(names))), ", ")
	}
	// container checks one container at at; entry finds the entry of
	// one of its lists written with a key (the main container's may be in
	// the version's overlay or the release's section).
	container := func(ct corev1.Container, at fieldpath.Kube, what string, init bool, entry func(list, key, value string, i int) fieldpath.Kube) {
		paths := map[string]bool{}
		if what == "the main container" && volumes[ConfigVolume] {
			paths[r.ConfigPath] = true
		}
		for i, vm := range ct.VolumeMounts {
			f := entry("volumeMounts", "mountPath", vm.MountPath, i)
			if !volumes[vm.Name] {
				c.add(f.Below("name"), "%s mounts volume %q, which the pod does not have (allowed: %s)", what, vm.Name, allowed)
			}
			if paths[vm.MountPath] {
				c.add(f.Below("mountPath"), "%s mounts two volumes at %s (allowed: one volume per path)", what, vm.MountPath)
			}
			paths[vm.MountPath] = true
		}
		for i, e := range ct.Env {
			f := entry("env", "name", e.Name, i)
			switch {
			case e.Name == "":
				c.add(f.Path, "an environment variable needs a name (allowed: {name: X, value: …} or {name: X, valueFrom: …})")
			case e.Value != "" && e.ValueFrom != nil:
				c.add(f.Below("valueFrom"), "%s sets both value and valueFrom (allowed: one of them; a version's overlay replaces an entry only with valueFrom: null beside its value)", e.Name)
			}
		}
		c.oneOf(at.Below("terminationMessagePolicy"), string(ct.TerminationMessagePolicy), "", "File", "FallbackToLogsOnError")
		c.oneOf(at.Below("imagePullPolicy"), string(ct.ImagePullPolicy), "", "Always", "IfNotPresent", "Never")
		if init && ct.RestartPolicy != nil {
			c.oneOf(at.Below("restartPolicy"), string(*ct.RestartPolicy), "Always")
		}
	}
	container(main, fieldpath.Container, "the main container", false, l.mainEntry)
	seen := map[string]int{r.Name: 1}
	for _, list := range []struct {
		name string
		cs   []corev1.Container
		init bool
	}{{"containers", pod.Containers, false}, {"initContainers", pod.InitContainers, true}} {
		for _, ct := range list.cs {
			at := l.entry(false, list.name, "name", ct.Name, seen[ct.Name]-boolInt(ct.Name == r.Name))
			switch {
			case !dnsLabel(ct.Name):
				c.add(fieldpath.Kube{Path: at}.Below("name"), "container name %q is not a DNS-1123 label (allowed: lowercase letters, digits and '-', at most 63 characters)", ct.Name)
			case seen[ct.Name] > 0:
				why := "another container's name"
				if ct.Name == r.Name {
					why = "the main container's name (its fields go in container)"
				}
				c.add(fieldpath.Kube{Path: at}.Below("name"), "%q is %s (allowed: a name of its own)", ct.Name, why)
			}
			seen[ct.Name]++
			if ct.Image == "" {
				c.add(at, "container %q has no image (allowed: an image reference such as envoyproxy/envoy:v1.31.0)", ct.Name)
			}
			in := fieldpath.Kube{Path: at}
			container(ct, in, fmt.Sprintf("container %q", ct.Name), list.init, func(list, _, _ string, i int) fieldpath.Kube {
				return fieldpath.Kube{Path: in.Below(fmt.Sprintf("%s[%d]", list, i))}
			})
		}
	}
	if pod.DNSPolicy != "" {
		c.oneOf(l.section(false, "dnsPolicy").Below("dnsPolicy"), string(pod.DNSPolicy), "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")
	}
	tol := l.section(false, "tolerations")
	for i, t := range pod.Tolerations {
		f := fieldpath.Kube{Path: tol.Below(fmt.Sprintf("tolerations[%d]", i))}
		c.oneOf(f.Below("operator"), string(t.Operator), "", "Equal", "Exists")
		c.oneOf(f.Below("effect"), string(t.Effect), "", "NoSchedule", "PreferNoSchedule", "NoExecute")
	}
	spread := l.section(false, "topologySpreadConstraints")
	for i, t := range pod.TopologySpreadConstraints {
		f := fieldpath.Kube{Path: spread.Below(fmt.Sprintf("topologySpreadConstraints[%d]", i))}
		c.oneOf(f.Below("whenUnsatisfiable"), string(t.WhenUnsatisfiable), "DoNotSchedule", "ScheduleAnyway")
	}
}

// oneOf reports value at at unless it is one of allowed ("" for unset).
func (c *checker) oneOf(at fieldpath.Path, value string, allowed ...string) {
	if slices.Contains(allowed, value) {
		return
	}
	var shown []string
	for _, a := range allowed {
		if a != "" {
			shown = append(shown, fmt.Sprintf("%q", a))
		}
	}
	c.add(at, "invalid value %q (allowed: %s)", value, strings.Join(shown, ", "))
}

// locator finds where the spec wrote a part of the pod version m runs:
// in the version's overlay, else in the release's section.
type locator struct {
	r   *release.Release
	m   release.Member
	at  fieldpath.VersionFields
	dec *decoded
}

// section is the section (the main container's when container, else the
// pod's) that writes key: the version's overlay when it does.
func (l *locator) section(container bool, key string) fieldpath.Kube {
	ver, rel, raw := l.at.Pod, fieldpath.Pod, l.m.Version.Pod
	if container {
		ver, rel, raw = l.at.Container, fieldpath.Container, l.m.Version.Container
	}
	if _, ok := l.dec.fields(raw)[key]; ok {
		return ver
	}
	return rel
}

// entry is the nth entry (from 0) whose key is value in the pod's list
// field: in the version's overlay, else in the release's pod; the list
// itself when neither has it.
func (l *locator) entry(container bool, list, key, value string, nth int) fieldpath.Path {
	if at, ok := l.find(list, key, value, nth); ok {
		return at
	}
	return l.section(container, list).Below(list)
}

// find is where the nth entry (from 0) whose key is value in the pod's
// list field is written: in the version's overlay, else in the release's
// pod; false when neither has it.
func (l *locator) find(list, key, value string, nth int) (fieldpath.Path, bool) {
	for _, s := range []struct {
		k   fieldpath.Kube
		raw []byte
	}{{l.at.Pod, l.m.Version.Pod}, {fieldpath.Pod, l.r.Pod}} {
		if i := l.dec.nthIndex(s.raw, list, key, value, nth); i >= 0 {
			return s.k.Below(fmt.Sprintf("%s[%d]", list, i)), true
		}
	}
	return fieldpath.Path{}, false
}

// mainEntry is the entry of the main container's list whose key is
// value: in the version's overlay, else in the release's section; the
// merged list's index i when neither has it.
func (l *locator) mainEntry(list, key, value string, i int) fieldpath.Kube {
	for _, s := range []struct {
		k   fieldpath.Kube
		raw []byte
	}{{l.at.Container, l.m.Version.Container}, {fieldpath.Container, l.r.Container}} {
		if j := l.dec.indexOf(s.raw, list, key, value); j >= 0 {
			return fieldpath.Kube{Path: s.k.Below(fmt.Sprintf("%s[%d]", list, j))}
		}
	}
	return fieldpath.Kube{Path: l.section(true, list).Below(fmt.Sprintf("%s[%d]", list, i))}
}

// sources counts the volume sources v sets.
func sources(v corev1.VolumeSource) int {
	n := 0
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		if !rv.Field(i).IsNil() {
			n++
		}
	}
	return n
}

func dnsLabel(s string) bool { return len(validation.IsDNS1123Label(s)) == 0 }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
