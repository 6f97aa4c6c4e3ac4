package podwarn

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"
)

// Warning is one warning the API server gives about a pod template.
type Warning struct {
	// Rule is the name of the rule in Rules that gives it.
	Rule string
	// Fix is the rule's Fix.
	Fix string
	// At is the field the warning is about, below the template.
	At Path
	// Text is the warning as the API server words it, field paths
	// included (below the prefix the template was checked with).
	Text string
}

// Rule is one of the API server's warning rules about a pod template.
type Rule struct {
	// Name names the rule (and its test case).
	Name string
	// Upstream is the Kubernetes function the rule is ported from.
	Upstream string
	// Fix is what to write instead, for the warning's "allowed:".
	Fix   string
	check func(c *checker)
}

// Template returns the warnings the API server gives about a pod
// template with meta and spec, rule by rule (Rules' order); prefix is the
// template's path in its object ("spec.template" in a Deployment,
// StatefulSet or DaemonSet). The spec is read as the API server reads
// it, defaulted: a port without protocol is TCP.
func Template(prefix Path, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []Warning {
	c := &checker{prefix: prefix, meta: meta, spec: spec}
	for i := range Rules {
		c.rule = &Rules[i]
		Rules[i].check(c)
	}
	return c.out
}

type checker struct {
	prefix Path
	meta   *metav1.ObjectMeta
	spec   *corev1.PodSpec
	rule   *Rule
	out    []Warning
}

// warn records a warning at at, worded "<prefix.at>: <format>".
func (c *checker) warn(at Path, format string, args ...any) {
	c.add(at, c.full(at)+": "+fmt.Sprintf(format, args...))
}

// add records a warning at at worded text.
func (c *checker) add(at Path, text string) {
	c.out = append(c.out, Warning{Rule: c.rule.Name, Fix: c.rule.Fix, At: at, Text: text})
}

// full is at below the template's prefix, as the API server names it.
func (c *checker) full(at Path) string { return c.prefix.Child(at...).String() }

// containers visits every container with its path, as
// pods.VisitContainersWithPath does: init containers first.
func (c *checker) containers(visit func(ct *corev1.Container, at slot)) {
	for i := range c.spec.InitContainers {
		visit(&c.spec.InitContainers[i], slot{"initContainers", i})
	}
	for i := range c.spec.Containers {
		visit(&c.spec.Containers[i], slot{"containers", i})
	}
}

// slot is where a container is in the pod: its list and index. Its Path
// is built only when a warning names it, since most pods warn about
// nothing and every rule visits every container.
type slot struct {
	list string
	i    int
}

// Path is the container's path, spec.containers[i] or
// spec.initContainers[i].
func (s slot) Path() Path { return Path{"spec", s.list}.Index(s.i) }

// port is the path of the container's port i.
func (s slot) port(i int) Path { return s.Path().Child("ports").Index(i) }

// deprecatedNodeLabels are node labels Kubernetes deprecates, with its
// message (pkg/api/node/util.go, deprecatedNodeLabels).
var deprecatedNodeLabels = map[string]string{
	`beta.kubernetes.io/arch`:                       `deprecated since v1.14; use "kubernetes.io/arch" instead`,
	`beta.kubernetes.io/os`:                         `deprecated since v1.14; use "kubernetes.io/os" instead`,
	`failure-domain.beta.kubernetes.io/region`:      `deprecated since v1.17; use "topology.kubernetes.io/region" instead`,
	`failure-domain.beta.kubernetes.io/zone`:        `deprecated since v1.17; use "topology.kubernetes.io/zone" instead`,
	`beta.kubernetes.io/instance-type`:              `deprecated since v1.17; use "node.kubernetes.io/instance-type" instead`,
	`app.kubernetes.io/created-by`:                  `deprecated since v1.9`,
	`scheduler.alpha.kubernetes.io/preferAvoidPods`: `deprecated since v1.22; use Taints and Tolerations instead`,
	`node-role.kubernetes.io/master`:                `use "node-role.kubernetes.io/control-plane" instead`,
}

// deprecatedAnnotations are pod annotations Kubernetes deprecates
// (warnings.go, deprecatedAnnotations).
var deprecatedAnnotations = []struct{ key, message string }{
	{`scheduler.alpha.kubernetes.io/critical-pod`, `non-functional in v1.16+; use the "priorityClassName" field instead`},
	{`security.alpha.kubernetes.io/sysctls`, `non-functional in v1.11+; use the "sysctls" field instead`},
	{`security.alpha.kubernetes.io/unsafe-sysctls`, `non-functional in v1.11+; use the "sysctls" field instead`},
}

// The annotation keys of seccomp and AppArmor profiles before their fields.
const (
	seccompPod       = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainer = "container.seccomp.security.alpha.kubernetes.io/"
	apparmor         = "container.apparmor.security.beta.kubernetes.io/"
)

// nodeSelectorTerm warns about a term's deprecated keys and, if values,
// its invalid label values (pkg/api/node/util.go,
// GetWarningsForNodeSelectorTerm).
func (c *checker) nodeSelectorTerm(term corev1.NodeSelectorTerm, values bool, at Path) {
	for i, e := range term.MatchExpressions {
		if msg, ok := deprecatedNodeLabels[e.Key]; ok {
			c.warn(at.Child("matchExpressions").Index(i).Child("key"), "%s is %s", e.Key, msg)
		}
		if values {
			for j, v := range e.Values {
				for _, msg := range validation.IsValidLabelValue(v) {
					c.warn(at.Child("matchExpressions").Index(i).Child("values").Index(j), "%s is invalid, %s", v, msg)
				}
			}
		}
	}
}

// fractional warns about a byte quantity that is not whole, at the path
// at builds (only then: most pods warn about nothing).
func (c *checker) fractional(list corev1.ResourceList, name corev1.ResourceName, at func() Path) {
	if v, ok := list[name]; ok && v.MilliValue()%1000 != 0 {
		c.warn(at().Key(string(name)), "fractional byte value %q is invalid, must be an integer", v.String())
	}
}

// ip warns about an IP address written in a non-standard form
// (k8s.io/apimachinery/pkg/util/validation.GetWarningsForIP, called on a
// value the API server has validated first).
func (c *checker) ip(at Path, value string) {
	if netutils.ParseIPSloppy(value) == nil {
		return // invalid: refused, not warned about
	}
	for _, w := range validation.GetWarningsForIP(field.NewPath(c.full(at)), value) {
		_, msg, _ := strings.Cut(w, ": ")
		c.warn(at, "%s", msg)
	}
}

// nullSelector warns about an affinity term that selects no pod
// (warnings.go, warningsForPodAffinityTerms and
// warningsForWeightedPodAffinityTerms).
func (c *checker) nullSelector(at Path, terms []corev1.PodAffinityTerm, weighted []corev1.WeightedPodAffinityTerm) {
	for i, t := range terms {
		if t.LabelSelector == nil {
			c.warn(at.Child("requiredDuringSchedulingIgnoredDuringExecution").Index(i).Child("labelSelector"), "a null labelSelector results in matching no pod")
		}
	}
	for i, t := range weighted {
		if t.PodAffinityTerm.LabelSelector == nil {
			c.warn(at.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i).Child("podAffinityTerm", "labelSelector"), "a null labelSelector results in matching no pod")
		}
	}
}

// protocol is a port's protocol as the API server defaults it.
func protocol(p corev1.ContainerPort) corev1.ContainerPort {
	if p.Protocol == "" {
		p.Protocol = corev1.ProtocolTCP
	}
	return p
}

// sortedKeys is m's keys in order: upstream ranges over maps, rollspec's
// output is deterministic.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// sameAppArmor reports whether the pod's AppArmor profile is the one an
// annotation value names (pkg/api/pod/util.go,
// ApparmorFieldForAnnotation).
func sameAppArmor(pod *corev1.AppArmorProfile, annotation string) bool {
	var want *corev1.AppArmorProfile
	switch {
	case annotation == "unconfined":
		want = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
	case annotation == "runtime/default":
		want = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}
	case strings.HasPrefix(annotation, "localhost/") && len(annotation) > len("localhost/"):
		name := strings.TrimPrefix(annotation, "localhost/")
		want = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: &name}
	}
	return pod != nil && equality.Semantic.DeepEqual(pod, want)
}
