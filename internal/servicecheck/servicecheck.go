package servicecheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/kubetype"
	"github.com/rollspec/rollspec/release"
)

// Problem is one problem at a field of the release.
type Problem struct {
	At   fieldpath.Path
	Text string
}

// The fields of service.spec rollspec compiles, by Kubernetes' names.
const (
	externalTrafficPolicy    = "externalTrafficPolicy"
	internalTrafficPolicy    = "internalTrafficPolicy"
	sessionAffinity          = "sessionAffinity"
	sessionAffinityConfig    = "sessionAffinityConfig"
	loadBalancerSourceRanges = "loadBalancerSourceRanges"
	loadBalancerClass        = "loadBalancerClass"
)

// Supported are the fields of service.spec rollspec compiles, in the
// order its messages list them.
var Supported = []string{externalTrafficPolicy, internalTrafficPolicy, sessionAffinity, sessionAffinityConfig, loadBalancerSourceRanges, loadBalancerClass}

// owned are the ServiceSpec fields rollspec writes from the rest of the
// spec, and what to write instead.
var owned = map[string]string{
	"selector": "rollspec writes the Services' selector: the release's app label, and a version's (allowed: leave it out)",
	"ports":    "rollspec writes the Services' ports (allowed: ports, with servicePort, nodePort and appProtocol)",
	"type":     "is also set in service.type (allowed: service.type)",
}

// specFields are a ServiceSpec's fields by their JSON names; hidden are
// those an unknown field's message does not list as allowed: all but
// Supported. Both are made on first use.
var specFields, hidden = sync.OnceValue(func() []string {
	t := reflect.TypeFor[corev1.ServiceSpec]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}), sync.OnceValue(func() []string {
	return slices.DeleteFunc(slices.Clone(specFields()), func(n string) bool { return slices.Contains(Supported, n) })
})

// maxAffinitySeconds is the longest ClientIP session affinity the API
// server accepts: MaxClientIPServiceAffinitySeconds of
// k8s.io/kubernetes/pkg/apis/core (a day).
const maxAffinitySeconds = 86400

// Check returns the problems of r's service.spec: unknown fields and
// values of the wrong kind, fields rollspec owns or does not compile, and
// values the API server refuses, or warns about, for a Service of r's
// type — every one at its field.
func Check(r *release.Release) []Problem {
	raw := r.Service.Spec
	if len(raw) == 0 {
		return nil
	}
	at := fieldpath.Service.Spec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []Problem{{at.Path, "is not JSON: " + err.Error()}}
	}
	var out []Problem
	add := func(rel, format string, args ...any) {
		out = append(out, Problem{at.Below(rel), fmt.Sprintf(format, args...)})
	}
	m, _ := v.(map[string]any)
	refused := map[string]bool{} // top-level fields refused whatever they hold
	fields := make([]string, 0, len(m))
	for f := range m {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		switch {
		case owned[f] != "":
			add(f, "%s", owned[f])
		case !slices.Contains(Supported, f) && slices.Contains(specFields(), f):
			add(f, "is not one of the Service's fields rollspec compiles (allowed: %s)", strings.Join(Supported, ", "))
		default:
			continue
		}
		refused[f] = true
	}
	bad := map[string]bool{} // top-level fields whose shape is wrong
	for _, p := range kubetype.CheckValue(v, corev1.ServiceSpec{}, hidden()...) {
		if f := top(p.Path); !refused[f] {
			out = append(out, Problem{at.Below(p.Path), p.Text})
			bad[f] = true
		}
	}
	str := func(f string) (string, bool) {
		s, ok := m[f].(string)
		return s, ok && !bad[f]
	}
	typ := r.Service.Type
	oneOf := func(f string, values ...string) {
		if s, ok := str(f); ok && !slices.Contains(values, s) {
			add(f, "%q is not one of Kubernetes' values (allowed: %s)", s, strings.Join(values, " or "))
		}
	}
	oneOf(externalTrafficPolicy, string(corev1.ServiceExternalTrafficPolicyCluster), string(corev1.ServiceExternalTrafficPolicyLocal))
	oneOf(internalTrafficPolicy, string(corev1.ServiceInternalTrafficPolicyCluster), string(corev1.ServiceInternalTrafficPolicyLocal))
	oneOf(sessionAffinity, string(corev1.ServiceAffinityNone), string(corev1.ServiceAffinityClientIP))
	if _, ok := str(externalTrafficPolicy); ok && typ == string(corev1.ServiceTypeClusterIP) {
		add(externalTrafficPolicy, "applies to a Service reachable from outside the cluster, and service.type is %s (allowed: with service.type NodePort or LoadBalancer)", typ)
	}
	for _, f := range []string{loadBalancerSourceRanges, loadBalancerClass} {
		if _, ok := m[f]; ok && !bad[f] && typ != string(corev1.ServiceTypeLoadBalancer) {
			add(f, "applies to a load balancer, and service.type is %s (allowed: with service.type LoadBalancer)", typ)
		}
	}
	if s, ok := str(loadBalancerClass); ok {
		if len(validation.IsQualifiedName(s)) > 0 {
			add(loadBalancerClass, "%q is not a qualified name (allowed: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric, such as \"example.com/internal-vip\")", s)
		}
	}
	if ranges, ok := m[loadBalancerSourceRanges].([]any); ok && !bad[loadBalancerSourceRanges] {
		for i, e := range ranges {
			s, _ := e.(string)
			if why := cidr(s); why != "" {
				add(loadBalancerSourceRanges+"["+strconv.Itoa(i)+"]", "%q %s", s, why)
			}
		}
	}
	if cfg, ok := m[sessionAffinityConfig].(map[string]any); ok && !bad[sessionAffinityConfig] {
		if s, _ := str(sessionAffinity); s != string(corev1.ServiceAffinityClientIP) {
			add(sessionAffinityConfig, "applies with sessionAffinity ClientIP (allowed: sessionAffinity: ClientIP beside it, or leave it out)")
		}
		ip, _ := cfg["clientIP"].(map[string]any)
		if n, ok := ip["timeoutSeconds"].(json.Number); ok {
			if t, err := n.Int64(); err == nil && (t < 1 || t > maxAffinitySeconds) {
				add(sessionAffinityConfig+".clientIP.timeoutSeconds", "%d is out of range (allowed: 1 to %d seconds; Kubernetes' default is %d)", t, maxAffinitySeconds, corev1.DefaultClientIPServiceAffinitySeconds)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return strings.Compare(a.At.String(), b.At.String()) })
	return out
}

// top is the top-level field of a path below service.spec.
func top(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

// cidr says what is wrong with s as a load balancer's source range, ""
// when nothing: the API server refuses in a new Service what is no CIDR,
// or one with bits set past its prefix, leading zeros or an IPv4-mapped
// IPv6 address (IsValidCIDRForLegacyField), and warns about those it
// still holds from before (k8s.io/apimachinery's GetWarningsForCIDR).
func cidr(s string) string {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		return "is not a CIDR (allowed: an IPv4 or IPv6 network such as \"203.0.113.0/24\" or \"2001:db8::/32\")"
	case p.Addr().Is4In6() && p.Bits() >= 96:
		return fmt.Sprintf("is an IPv4-mapped IPv6 network (allowed: the IPv4 network %q)", netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96).Masked())
	case p.Addr().Is4In6():
		return "is an IPv4-mapped IPv6 network (allowed: an IPv4 network such as \"203.0.113.0/24\")"
	case p.Masked() != p:
		return fmt.Sprintf("has bits set past its prefix length (allowed: the network %q, or the one address %q)", p.Masked(), netip.PrefixFrom(p.Addr(), p.Addr().BitLen()))
	}
	return ""
}
