package compile_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	psa "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/istio"
	"github.com/rollspec/rollspec/release"
)

// objects groups a compiled release's objects by kind.
type objects struct {
	// workloads are every workload's pods, whatever its kind.
	workloads    []podWorkload
	deployments  []*appsv1.Deployment
	statefulSets []*appsv1.StatefulSet
	daemonSets   []*appsv1.DaemonSet
	services     []*corev1.Service
	configMaps   []*corev1.ConfigMap
	rules        []*istio.DestinationRule
	virtuals     []*istio.VirtualService
	gateways     []*istio.Gateway
	autoscalers  []*autoscalingv2.HorizontalPodAutoscaler
	budgets      []*policyv1.PodDisruptionBudget
}

// podWorkload is what every workload kind has: a selector and a pod
// template.
type podWorkload struct {
	what, name string // "Deployment web", web
	selector   map[string]string
	template   *corev1.PodTemplateSpec
}

func split(t *testing.T, objs []gen.Object) objects {
	t.Helper()
	var o objects
	for _, obj := range objs {
		switch x := obj.(type) {
		case *appsv1.Deployment:
			o.deployments = append(o.deployments, x)
			o.workloads = append(o.workloads, podWorkload{"Deployment " + x.Name, x.Name, x.Spec.Selector.MatchLabels, &x.Spec.Template})
		case *appsv1.StatefulSet:
			o.statefulSets = append(o.statefulSets, x)
			o.workloads = append(o.workloads, podWorkload{"StatefulSet " + x.Name, x.Name, x.Spec.Selector.MatchLabels, &x.Spec.Template})
		case *appsv1.DaemonSet:
			o.daemonSets = append(o.daemonSets, x)
			o.workloads = append(o.workloads, podWorkload{"DaemonSet " + x.Name, x.Name, x.Spec.Selector.MatchLabels, &x.Spec.Template})
		case *corev1.Service:
			o.services = append(o.services, x)
		case *corev1.ConfigMap:
			o.configMaps = append(o.configMaps, x)
		case *istio.DestinationRule:
			o.rules = append(o.rules, x)
		case *istio.VirtualService:
			o.virtuals = append(o.virtuals, x)
		case *istio.Gateway:
			o.gateways = append(o.gateways, x)
		case *autoscalingv2.HorizontalPodAutoscaler:
			o.autoscalers = append(o.autoscalers, x)
		case *policyv1.PodDisruptionBudget:
			o.budgets = append(o.budgets, x)
		default:
			t.Fatalf("unexpected object %T", obj)
		}
	}
	return o
}

// intendedPods returns, from the release alone, the versions whose pods the
// Service with this name must select.
func intendedPods(r *release.Release, svc string) []string {
	all := []string{r.Stable.Version}
	if r.Candidate != nil {
		all = append(all, r.Candidate.Version)
	}
	s := r.Strategy
	switch {
	case s.BlueGreen != nil:
		active, idle := r.Stable.Version, ""
		if r.Candidate != nil {
			idle = r.Candidate.Version
		}
		if s.BlueGreen.Active == release.RoleCandidate {
			active, idle = idle, active
		}
		if svc == r.Name+"-preview" {
			return []string{idle}
		}
		if r.Traffic == release.TrafficIstio {
			return all // the VirtualService picks the active subset
		}
		return []string{active}
	default:
		return all
	}
}

// checkInvariants asserts what a user relies on, independently of the
// golden bytes.
func checkInvariants(t *testing.T, rel *compile.Release) {
	t.Helper()
	r := rel.Spec.Release
	o := split(t, rel.Result.Objects)
	kind := r.Strategy.Kind()

	// Every Service selects exactly the intended versions' pods. A
	// workload updated in place (partitioned, onDelete) runs the pods of
	// both versions under one template: its Services select the app's
	// pods whatever their version.
	for _, svc := range o.services {
		sel := labels.SelectorFromSet(svc.Spec.Selector)
		var got []string
		for _, w := range o.workloads {
			if sel.Matches(labels.Set(w.template.Labels)) {
				got = append(got, w.template.Labels[release.LabelVersion])
			}
		}
		want := intendedPods(r, svc.Name)
		if release.InPlace(kind) {
			got, want = nil, nil
			if !maps.Equal(svc.Spec.Selector, map[string]string{release.LabelApp: r.Name}) {
				t.Errorf("%s: Service %s selects %v, want every pod of the app, whatever its version", r.Name, svc.Name, svc.Spec.Selector)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: Service %s selects versions %v, want %v", r.Name, svc.Name, got, want)
		}
		for _, p := range svc.Spec.Ports {
			if !slices.ContainsFunc(r.Ports, func(rp release.Port) bool { return rp.Name == p.TargetPort.StrVal }) {
				t.Errorf("Service %s targets port %v no container declares", svc.Name, p.TargetPort)
			}
		}
		checkServiceShape(t, r, svc)
	}

	// Each workload's selector matches its own pods and no other
	// workload's pods.
	for _, w := range o.workloads {
		sel := labels.SelectorFromSet(w.selector)
		for _, other := range o.workloads {
			if got := sel.Matches(labels.Set(other.template.Labels)); got != (other.name == w.name) {
				t.Errorf("%s selector matches %s's pods: %v", w.what, other.what, got)
			}
		}
		if !release.TwoVersion(kind) {
			if _, ok := w.selector[release.LabelVersion]; ok {
				t.Errorf("%s %s selects the version label; spec.selector is immutable", kind, w.what)
			}
			if w.name != r.Name {
				t.Errorf("%s %s is named %s, want %s", kind, w.what, w.name, r.Name)
			}
		}
		checkPodSecurity(t, r, w)
		checkConfigRefs(t, w, o.configMaps)
	}
	checkWorkloadKind(t, r, o)

	// Replicas: a native canary splits the release's replicas by weight.
	if kind == release.KindCanary && r.Traffic == release.TrafficNative && r.Candidate != nil {
		stable, cand := *o.deployments[0].Spec.Replicas, *o.deployments[1].Spec.Replicas
		if stable+cand != r.Replicas {
			t.Errorf("native canary runs %d+%d pods, want %d in all", stable, cand, r.Replicas)
		}
		w := r.Strategy.Canary.Weight()
		for c := int32(0); c <= r.Replicas; c++ {
			if abs(gen.EffectiveWeight(r.Replicas, c)-float64(w)) < abs(gen.EffectiveWeight(r.Replicas, cand)-float64(w)) && c > 0 && c < r.Replicas {
				t.Errorf("candidate runs %d pods; %d pods is closer to %d%%", cand, c, w)
			}
		}
	}

	checkIstio(t, r, o)
	checkScaling(t, r, o)
	checkNames(t, rel)
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// evaluator is the API server's own Pod Security evaluator.
var evaluator = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err)
	}
	return e
}()

func checkPodSecurity(t *testing.T, r *release.Release, d podWorkload) {
	t.Helper()
	// The API server admits the pod at the release's level.
	level := map[string]psa.Level{release.PodSecurityRestricted: psa.LevelRestricted, release.PodSecurityBaseline: psa.LevelBaseline, release.PodSecurityPrivileged: psa.LevelPrivileged}[r.PodSecurity]
	for _, res := range evaluator.EvaluatePod(psa.LevelVersion{Level: level, Version: psa.LatestVersion()}, &d.template.ObjectMeta, &d.template.Spec) {
		if !res.Allowed {
			t.Errorf("%s: Pod Security %q forbids %s: %s", d.what, r.PodSecurity, res.ForbiddenReason, res.ForbiddenDetail)
		}
	}
	// The main container is rollspec's: its name and image.
	main := d.template.Spec.Containers[0]
	v := &r.Stable
	if c := r.Candidate; c != nil && d.template.Labels[release.LabelVersion] == c.Version {
		v = c
	}
	if main.Name != r.Name || main.Image != r.ImageRef(v) {
		t.Errorf("%s: main container %s runs %s, want %s running %s", d.what, main.Name, main.Image, r.Name, r.ImageRef(v))
	}
	if r.PodSecurity == release.PodSecurityPrivileged {
		return
	}
	ps := d.template.Spec.SecurityContext
	c := d.template.Spec.Containers[0]
	if ps == nil || ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: no RuntimeDefault seccomp profile", d.what)
	}
	if c.SecurityContext == nil || c.SecurityContext.AllowPrivilegeEscalation == nil || *c.SecurityContext.AllowPrivilegeEscalation {
		t.Errorf("%s: privilege escalation allowed", d.what)
	}
	if r.PodSecurity != release.PodSecurityRestricted {
		return
	}
	if ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot {
		t.Errorf("%s: restricted pods must set runAsNonRoot", d.what)
	}
	if c.SecurityContext.Capabilities == nil || !slices.Equal(c.SecurityContext.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("%s: restricted pods must drop ALL capabilities", d.what)
	}
}

// checkConfigRefs asserts every ConfigMap the pods reference is compiled,
// immutable and named by its content hash.
func checkConfigRefs(t *testing.T, d podWorkload, cms []*corev1.ConfigMap) {
	t.Helper()
	var refs []string
	spec := d.template.Spec
	for _, c := range spec.Containers {
		for _, e := range c.EnvFrom {
			if e.ConfigMapRef != nil {
				refs = append(refs, e.ConfigMapRef.Name)
			}
		}
	}
	for _, v := range spec.Volumes {
		if v.ConfigMap != nil {
			refs = append(refs, v.ConfigMap.Name)
		}
	}
	for _, ref := range refs {
		i := slices.IndexFunc(cms, func(cm *corev1.ConfigMap) bool { return cm.Name == ref })
		if i < 0 {
			t.Errorf("%s references ConfigMap %s, which is not compiled", d.what, ref)
			continue
		}
		if cms[i].Immutable == nil || !*cms[i].Immutable {
			t.Errorf("ConfigMap %s is not immutable", ref)
		}
	}
}

func checkIstio(t *testing.T, r *release.Release, o objects) {
	t.Helper()
	if r.Traffic != release.TrafficIstio {
		if len(o.rules)+len(o.virtuals)+len(o.gateways) > 0 {
			t.Errorf("native release %s compiles Istio objects", r.Name)
		}
		return
	}
	if want := r.Host != "" && r.Gateway == ""; want != (len(o.gateways) == 1) {
		t.Errorf("host %q, bound Gateway %q, but %d Gateways compiled", r.Host, r.Gateway, len(o.gateways))
	}
	checkVirtualServices(t, r, o.virtuals)
	for _, gw := range o.gateways {
		checkGateway(t, r, gw)
	}
	subsets := map[string]labels.Selector{}
	for _, dr := range o.rules {
		for _, s := range dr.Spec.Subsets {
			subsets[s.Name] = labels.SelectorFromSet(s.Labels)
			if release.InPlace(r.Strategy.Kind()) {
				// One workload runs both versions' pods: each subset
				// selects the pods of a version in play.
				v := s.Labels[release.LabelVersion]
				if len(s.Labels) != 1 || v != r.Stable.Version && (r.Candidate == nil || v != r.Candidate.Version) {
					t.Errorf("subset %s selects %v, not a version in play", s.Name, s.Labels)
				}
				continue
			}
			// Each subset selects exactly one Deployment's pods.
			n := 0
			for _, d := range o.deployments {
				if subsets[s.Name].Matches(labels.Set(d.Spec.Template.Labels)) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("subset %s selects the pods of %d Deployments, want 1", s.Name, n)
			}
		}
	}
	for _, vs := range o.virtuals {
		for _, gw := range vs.Spec.Gateways {
			if gw != "mesh" && gw != r.Gateway && !slices.ContainsFunc(o.gateways, func(g *istio.Gateway) bool { return g.Name == gw }) {
				t.Errorf("VirtualService binds Gateway %s, which is not compiled", gw)
			}
		}
		if len(vs.Spec.HTTP) == 0 || len(vs.Spec.HTTP[len(vs.Spec.HTTP)-1].Match) != 0 {
			t.Errorf("VirtualService %s has no catch-all last route", vs.Name)
		}
		for _, h := range vs.Spec.HTTP {
			// A match entry without conditions, or a condition without an
			// operator, matches every request.
			for _, m := range h.Match {
				if len(m.Headers)+len(m.QueryParams) == 0 {
					t.Errorf("route %s has a match entry %q with no condition: it matches every request", h.Name, m.Name)
				}
				for k, c := range mergeMatches(m.Headers, m.QueryParams) {
					if n := len(slices.DeleteFunc([]string{c.Exact, c.Prefix, c.Regex}, func(s string) bool { return s == "" })); n != 1 {
						t.Errorf("route %s matches %s with %d operators, want 1", h.Name, k, n)
					}
				}
			}
			sum := int32(0)
			var dests []istio.Destination
			if h.Mirror != nil {
				dests = append(dests, *h.Mirror)
			}
			for _, d := range h.Route {
				sum += d.Weight
				dests = append(dests, d.Destination)
			}
			if len(h.Route) > 1 && sum != 100 {
				t.Errorf("route %s weights sum to %d, want 100", h.Name, sum)
			}
			if len(h.Route) == 1 && h.Route[0].Weight != 0 && h.Route[0].Weight != 100 {
				t.Errorf("route %s has one destination with weight %d", h.Name, h.Route[0].Weight)
			}
			for _, d := range dests {
				if d.Subset != "" {
					if _, ok := subsets[d.Subset]; !ok {
						t.Errorf("route %s sends to subset %s, which no DestinationRule defines", h.Name, d.Subset)
					}
				}
				if d.Host != gen.Host(r) {
					t.Errorf("route %s sends to host %s, want %s", h.Name, d.Host, gen.Host(r))
				}
			}
		}
	}
}

func checkNames(t *testing.T, rel *compile.Release) {
	t.Helper()
	for _, obj := range rel.Result.Objects {
		kind := obj.GetObjectKind().GroupVersionKind().Kind
		name := obj.GetName()
		var errs []string
		if kind == "Service" {
			errs = validation.IsDNS1035Label(name)
		} else {
			errs = validation.IsDNS1123Subdomain(name)
		}
		if kind == "Deployment" && len(name) > 52 {
			errs = append(errs, "longer than 52 characters: ReplicaSet and pod names would be truncated")
		}
		for _, e := range errs {
			t.Errorf("%s %s: invalid name: %s", kind, name, e)
		}
		allLabels := maps.Clone(obj.GetLabels())
		if d, ok := obj.(*appsv1.Deployment); ok {
			maps.Copy(allLabels, d.Spec.Template.Labels)
		}
		for k, v := range allLabels {
			for _, e := range append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...) {
				t.Errorf("%s %s: label %s=%s: %s", kind, name, k, v, e)
			}
		}
		if obj.GetLabels()[release.LabelManagedBy] != release.ManagedBy {
			t.Errorf("%s %s: missing %s label", kind, name, release.LabelManagedBy)
		}
	}
}

// checkGateway checks that gw accepts exactly the release's host: on port
// 80, redirecting to HTTPS when TLS asks to, and with TLS on 443,
// terminated with the spec's Secret.
func checkGateway(t *testing.T, r *release.Release, gw *istio.Gateway) {
	t.Helper()
	want := map[uint32]string{80: "HTTP"}
	if r.TLS != nil {
		want[443] = "HTTPS"
	}
	if len(gw.Spec.Servers) != len(want) {
		t.Errorf("Gateway %s has %d servers, want %d", gw.Name, len(gw.Spec.Servers), len(want))
	}
	for _, s := range gw.Spec.Servers {
		if want[s.Port.Number] != s.Port.Protocol {
			t.Errorf("Gateway %s: port %d speaks %q, want %q", gw.Name, s.Port.Number, s.Port.Protocol, want[s.Port.Number])
		}
		if !slices.Equal(s.Hosts, []string{r.Host}) {
			t.Errorf("Gateway %s port %d: hosts %v, want [%s]", gw.Name, s.Port.Number, s.Hosts, r.Host)
		}
		switch {
		case s.Port.Number == 443:
			if s.TLS == nil || s.TLS.Mode != "SIMPLE" || s.TLS.CredentialName != r.TLS.CredentialName {
				t.Errorf("Gateway %s: HTTPS server TLS %+v, want SIMPLE with %s", gw.Name, s.TLS, r.TLS.CredentialName)
			}
		case r.TLS != nil && r.TLS.HTTPSRedirect:
			if s.TLS == nil || !s.TLS.HTTPSRedirect {
				t.Errorf("Gateway %s: port 80 does not redirect to HTTPS", gw.Name)
			}
		default:
			if s.TLS != nil {
				t.Errorf("Gateway %s: port 80 has TLS settings %+v, want it to serve plain HTTP", gw.Name, s.TLS)
			}
		}
	}
}

// checkVirtualServices checks which traffic each VirtualService routes and
// to which port: in-cluster callers of the Service through the mesh, and
// the external host through exactly one Gateway. A destination port sends
// every request to that port, so mesh routes name it only when the Service
// has a single port; routes from a gateway always name the primary port
// (without it a gateway would use its own listening port).
func checkVirtualServices(t *testing.T, r *release.Release, vss []*istio.VirtualService) {
	t.Helper()
	gateway := gen.GatewayName(r)
	if r.Gateway != "" {
		gateway = r.Gateway
	}
	primary := uint32(r.Ports[0].ServicePort)
	var mesh, external int
	for _, vs := range vss {
		fromMesh := len(vs.Spec.Gateways) == 0 || slices.Contains(vs.Spec.Gateways, "mesh")
		fromGateway := slices.Contains(vs.Spec.Gateways, gateway)
		if fromMesh != slices.Contains(vs.Spec.Hosts, gen.Host(r)) {
			t.Errorf("VirtualService %s: gateways %v but hosts %v", vs.Name, vs.Spec.Gateways, vs.Spec.Hosts)
		}
		if fromGateway != (r.Host != "" && slices.Contains(vs.Spec.Hosts, r.Host)) {
			t.Errorf("VirtualService %s: gateways %v but hosts %v (external host %q)", vs.Name, vs.Spec.Gateways, vs.Spec.Hosts, r.Host)
		}
		if fromMesh {
			mesh++
		}
		if fromGateway {
			external++
		}
		for _, h := range vs.Spec.HTTP {
			dests := []istio.Destination{}
			if h.Mirror != nil {
				dests = append(dests, *h.Mirror)
			}
			for _, d := range h.Route {
				dests = append(dests, d.Destination)
			}
			for _, d := range dests {
				var got uint32
				if d.Port != nil {
					got = d.Port.Number
				}
				// Only the ports on the Service are addressed.
				exposed := 0
				for _, p := range r.Ports {
					if p.Exposed() {
						exposed++
					}
				}
				want := primary
				if fromMesh && exposed > 1 {
					want = 0 // the port the request was addressed to
				}
				if fromMesh && fromGateway && (exposed > 1 || strings.HasPrefix(r.Host, "*")) {
					t.Errorf("VirtualService %s routes mesh and gateway traffic with one set of routes (%d ports, host %s)", vs.Name, exposed, r.Host)
				}
				if got != want {
					t.Errorf("VirtualService %s route %s: destination port %d, want %d (0: the addressed port)", vs.Name, h.Name, got, want)
				}
			}
		}
	}
	if len(vss) > 0 && mesh != 1 {
		t.Errorf("%d VirtualServices route the mesh's traffic to %s, want 1", mesh, gen.Host(r))
	}
	if (r.Host != "") != (external == 1) || external > 1 {
		t.Errorf("%d VirtualServices route host %q through Gateway %s", external, r.Host, gateway)
	}
	checkTCPRoutes(t, r, vss)
}

// checkTCPRoutes: where routes pick versions, every TCP port Istio does
// not treat as HTTP or TLS has one tcp route of its own in the mesh's
// VirtualService, to that port, with the http default's subsets and
// weights (else its connections reach every version's pods).
func checkTCPRoutes(t *testing.T, r *release.Release, vss []*istio.VirtualService) {
	t.Helper()
	for _, vs := range vss {
		fromMesh := len(vs.Spec.Gateways) == 0 || slices.Contains(vs.Spec.Gateways, "mesh")
		if !fromMesh {
			if len(vs.Spec.TCP) > 0 {
				t.Errorf("VirtualService %s from a gateway has tcp routes", vs.Name)
			}
			continue
		}
		def := vs.Spec.HTTP[len(vs.Spec.HTTP)-1].Route
		subsets := def[0].Destination.Subset != ""
		byPort := map[uint32][]istio.HTTPRouteDestination{}
		for _, tr := range vs.Spec.TCP {
			if len(tr.Match) != 1 || tr.Match[0].Port == 0 {
				t.Errorf("VirtualService %s: tcp route matches %v, want one port", vs.Name, tr.Match)
				continue
			}
			byPort[tr.Match[0].Port] = tr.Route
		}
		for _, p := range r.Ports {
			routed := subsets && p.Exposed() && p.Protocol == "TCP" && !istio.HTTPPort(istio.Protocol(p.Name, p.AppProtocol)) && !istio.TLSPort(istio.Protocol(p.Name, p.AppProtocol))
			route, ok := byPort[uint32(p.ServicePort)]
			delete(byPort, uint32(p.ServicePort))
			if ok != routed {
				t.Errorf("VirtualService %s: port %s (%d) has a tcp route: %v, want %v", vs.Name, p.Name, p.ServicePort, ok, routed)
				continue
			}
			if !ok {
				continue
			}
			if len(route) != len(def) {
				t.Errorf("tcp route of port %s has %d destinations, the http default %d", p.Name, len(route), len(def))
				continue
			}
			for i, d := range route {
				if d.Destination.Subset != def[i].Destination.Subset || d.Weight != def[i].Weight {
					t.Errorf("tcp route of port %s: destination %d is %s/%d, the http default's %s/%d", p.Name, i, d.Destination.Subset, d.Weight, def[i].Destination.Subset, def[i].Weight)
				}
				if d.Destination.Port == nil || d.Destination.Port.Number != uint32(p.ServicePort) {
					t.Errorf("tcp route of port %s: destination port %v, want %d", p.Name, d.Destination.Port, p.ServicePort)
				}
			}
		}
		for port := range byPort {
			t.Errorf("VirtualService %s: tcp route for port %d, which the Service does not have", vs.Name, port)
		}
	}
}

func mergeMatches(a, b map[string]istio.StringMatch) map[string]istio.StringMatch {
	m := map[string]istio.StringMatch{}
	for k, v := range a {
		m["header "+k] = v
	}
	for k, v := range b {
		m["query "+k] = v
	}
	return m
}

// checkWorkloadKind checks what is particular to the workload kind: a
// StatefulSet is governed by its headless Service and partitioned at
// the current step; a DaemonSet has no replicas and surges or takes
// pods down, not both.
func checkWorkloadKind(t *testing.T, r *release.Release, o objects) {
	t.Helper()
	want := map[string]int{release.WorkloadDeployment: 0, release.WorkloadStatefulSet: 0, release.WorkloadDaemonSet: 0}
	want[r.WorkloadKind()] = len(o.workloads)
	if got := map[string]int{release.WorkloadDeployment: len(o.deployments), release.WorkloadStatefulSet: len(o.statefulSets), release.WorkloadDaemonSet: len(o.daemonSets)}; !maps.Equal(got, want) {
		t.Errorf("workload %s compiled %v", r.WorkloadKind(), got)
	}
	for _, s := range o.statefulSets {
		i := slices.IndexFunc(o.services, func(svc *corev1.Service) bool { return svc.Name == s.Spec.ServiceName })
		if i < 0 || o.services[i].Spec.ClusterIP != corev1.ClusterIPNone {
			t.Errorf("StatefulSet %s: governing Service %s is not compiled headless", s.Name, s.Spec.ServiceName)
		}
		wantPartition := int32(0)
		if p := r.Strategy.Partitioned; p != nil && r.Candidate != nil {
			wantPartition = r.Replicas - p.Updated()
		}
		var partition int32
		if ru := s.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil {
			partition = *ru.Partition
		}
		if partition != wantPartition {
			t.Errorf("StatefulSet %s: partition %d, want %d", s.Name, partition, wantPartition)
		}
		if (s.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType) != (r.Strategy.OnDelete != nil) {
			t.Errorf("StatefulSet %s: update strategy %s with strategy %s", s.Name, s.Spec.UpdateStrategy.Type, r.Strategy.Kind())
		}
	}
	for _, d := range o.daemonSets {
		ru := d.Spec.UpdateStrategy.RollingUpdate
		if (d.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType) != (r.Strategy.OnDelete != nil) {
			t.Errorf("DaemonSet %s: update strategy %s with strategy %s", d.Name, d.Spec.UpdateStrategy.Type, r.Strategy.Kind())
		}
		if ru != nil && ru.MaxSurge.IntValue() != 0 && ru.MaxUnavailable.IntValue() != 0 {
			t.Errorf("DaemonSet %s: surges %v and takes %v down; Kubernetes allows one", d.Name, ru.MaxSurge, ru.MaxUnavailable)
		}
	}
}
