package gen

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/rollspec/rollspec/internal/istio"
	"github.com/rollspec/rollspec/internal/podcheck"
	"github.com/rollspec/rollspec/release"
)

// assembler turns a plan into objects.
type assembler struct {
	r       *release.Release
	p       *Plan
	configs map[string]string // role -> ConfigMap name
	objs    []Object
	// bare is the pod of a version without overlays, worked out once.
	bare *bare
}

// bare is the pod and main container of a version without overlays: the
// release's own sections.
type bare struct {
	pod corev1.PodSpec
	c   corev1.Container
}

// podOf is r.PodOf(v), from the pod worked out once when v has no
// overlays (as most versions have none), a copy of it to change at will.
func (a *assembler) podOf(v *release.Version) (corev1.PodSpec, corev1.Container, error) {
	if len(v.Pod) > 0 || len(v.Container) > 0 {
		return a.r.PodOf(v)
	}
	if a.bare == nil {
		pod, c, err := a.r.PodOf(v)
		if err != nil {
			return pod, c, err
		}
		a.bare = &bare{pod, c}
	}
	return *a.bare.pod.DeepCopy(), *a.bare.c.DeepCopy(), nil
}

func assemble(r *release.Release, p *Plan) ([]Object, error) {
	a := &assembler{r: r, p: p, configs: map[string]string{}}
	if err := a.configMaps(); err != nil {
		return nil, err
	}
	for _, w := range p.Workloads {
		o, err := a.workload(w)
		if err != nil {
			return nil, err
		}
		a.objs = append(a.objs, o)
	}
	for _, s := range p.Services {
		a.objs = append(a.objs, a.service(s))
	}
	a.scaling()
	if p.Routes != nil {
		a.istio()
	}
	return a.objs, nil
}

// commonLabels go on every object.
func (a *assembler) commonLabels() map[string]string {
	l := maps.Clone(a.r.Labels)
	if l == nil {
		l = map[string]string{}
	}
	l[release.LabelName] = a.r.Name
	l[release.LabelManagedBy] = release.ManagedBy
	return l
}

func (a *assembler) meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:        name,
		Namespace:   a.r.Namespace,
		Labels:      a.commonLabels(),
		Annotations: maps.Clone(a.r.Annotations),
	}
}

// podLabels identify a version's pods.
func (a *assembler) podLabels(v *release.Version) map[string]string {
	l := a.commonLabels()
	l[release.LabelApp] = a.r.Name
	l[release.LabelVersion] = v.Version
	l[release.LabelAppVersion] = v.Version
	return l
}

// configMaps compiles each version's config into an immutable ConfigMap
// named by a hash of its content; versions with equal config share one.
func (a *assembler) configMaps() error {
	byName := map[string]*corev1.ConfigMap{}
	for _, m := range a.r.Versions() {
		data := release.Merged(a.r.Config, m.Version.Config)
		if data == nil {
			continue
		}
		cm := &corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: a.meta(a.r.Name + "-config"),
			Data:       data,
			Immutable:  ptr.To(true),
		}
		h, err := configHash(cm.Data)
		if err != nil {
			return fmt.Errorf("config: hash: %w", err)
		}
		cm.Name += "-" + h
		a.configs[m.Role] = cm.Name
		byName[cm.Name] = cm
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		a.objs = append(a.objs, byName[name])
	}
	return nil
}

// configHash is the suffix kustomize's configMapGenerator gives a
// ConfigMap with this data: the SHA-256 of the JSON object {"data",
// "kind", "name"} (keys sorted, as encoding/json writes them), its first
// ten hex digits with 0, 1, 3, a and e replaced so that the result never
// spells a word. kustomize looks the name up as the single key
// "metadata/name", which never exists, so its "name" is always empty;
// rollspec does the same so the suffixes agree.
// TestConfigHashMatchesKustomize checks it against kustomize's own hasher,
// which rollspec does not link: it builds a YAML node tree per ConfigMap
// and cost more than all of a release's other objects together.
func configHash(data map[string]string) (string, error) {
	j, err := json.Marshal(struct {
		Data map[string]string `json:"data"`
		Kind string            `json:"kind"`
		Name string            `json:"name"`
	}{Data: data, Kind: "ConfigMap"})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(j)
	h := []byte(hex.EncodeToString(sum[:5]))
	for i, c := range h {
		switch c {
		case '0':
			h[i] = 'g'
		case '1':
			h[i] = 'h'
		case '3':
			h[i] = 'k'
		case 'a':
			h[i] = 'm'
		case 'e':
			h[i] = 't'
		}
	}
	return string(h), nil
}

func (a *assembler) deployment(w Workload) (*appsv1.Deployment, error) {
	r := a.r
	meta, sel, tmpl, err := a.parts(w)
	if err != nil {
		return nil, err
	}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: release.WorkloadDeployment},
		ObjectMeta: meta,
		Spec: appsv1.DeploymentSpec{
			Replicas:                ptr.To(w.Replicas),
			Selector:                sel,
			Template:                tmpl,
			Strategy:                w.Strategy,
			MinReadySeconds:         r.MinReadySeconds,
			ProgressDeadlineSeconds: ptr.To(r.ProgressDeadlineSeconds),
			RevisionHistoryLimit:    ptr.To(r.RevisionHistoryLimit),
		},
	}, nil
}

// parts are what every workload kind has: its metadata, its selector
// (the version in it when two versions run side by side), and its pod
// template.
func (a *assembler) parts(w Workload) (metav1.ObjectMeta, *metav1.LabelSelector, corev1.PodTemplateSpec, error) {
	r := a.r
	pod := a.podLabels(w.Version)
	sel := map[string]string{release.LabelApp: r.Name}
	if w.SelectVersion {
		sel[release.LabelVersion] = w.Version.Version
	}
	meta := a.meta(w.Name)
	maps.Copy(meta.Labels, pod)
	if r.ChangeCause != "" && a.changeCauseOn(w) {
		if meta.Annotations == nil {
			meta.Annotations = map[string]string{}
		}
		meta.Annotations[release.AnnotationChangeCause] = r.ChangeCause
	}
	spec, err := a.podSpec(w)
	if err != nil {
		return meta, nil, corev1.PodTemplateSpec{}, err
	}
	tmpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: pod, Annotations: release.Merged(r.Annotations, r.PodAnnotations)},
		Spec:       spec,
	}
	return meta, &metav1.LabelSelector{MatchLabels: sel}, tmpl, nil
}

// changeCauseOn reports whether w is the Deployment being rolled out: the
// candidate while there is one, else stable.
func (a *assembler) changeCauseOn(w Workload) bool {
	if a.r.Candidate != nil {
		return w.Role == release.RoleCandidate
	}
	return true
}

// podSpec is the pod w runs: the spec's pod and container sections (the
// version's overlaid), with rollspec's own fields — the main container's
// name, image, ports, env, config and probes — and the Pod Security
// defaults of the release's level wherever the spec leaves a field unset.
func (a *assembler) podSpec(w Workload) (corev1.PodSpec, error) {
	r := a.r
	spec, c, err := a.podOf(w.Version)
	if err != nil {
		return spec, err
	}
	c.Name = r.Name
	c.Image = r.ImageRef(w.Version)
	c.ImagePullPolicy = pullPolicy(r, w.Version)
	c.Env = append(podcheck.ShortEnv(release.Merged(r.Env, w.Version.Env)), c.Env...)
	// What the version's overlay sets wins over the release's short form.
	short := func(field string, p *release.Probe, merged *corev1.Probe) *corev1.Probe {
		if w.Version.Overrides(field) {
			return merged
		}
		return cmp.Or(a.probe(p), merged)
	}
	c.ReadinessProbe = short("readinessProbe", r.ReadinessProbe, c.ReadinessProbe)
	c.LivenessProbe = short("livenessProbe", r.LivenessProbe, c.LivenessProbe)
	c.StartupProbe = short("startupProbe", r.StartupProbe, c.StartupProbe)
	for _, p := range r.Ports {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: p.Name, ContainerPort: p.ContainerPort, HostPort: p.HostPort, Protocol: corev1.Protocol(p.Protocol)})
	}
	if r.Resources != nil && !w.Version.Overrides("resources") {
		c.Resources = corev1.ResourceRequirements{Requests: resourceList(r.Resources.Requests), Limits: resourceList(r.Resources.Limits)}
	}
	if cm, ok := a.configs[w.Role]; ok {
		ref := corev1.LocalObjectReference{Name: cm}
		if r.ConfigPath == "" {
			c.EnvFrom = append([]corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: ref}}}, c.EnvFrom...)
		} else {
			c.VolumeMounts = append([]corev1.VolumeMount{{Name: podcheck.ConfigVolume, MountPath: r.ConfigPath, ReadOnly: true}}, c.VolumeMounts...)
			spec.Volumes = append([]corev1.Volume{{Name: podcheck.ConfigVolume, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: ref}}}}, spec.Volumes...)
		}
	}
	c.Env = podcheck.OrderEnv(c.Env, len(c.EnvFrom) > 0)
	spec.Containers = append([]corev1.Container{c}, spec.Containers...)
	a.secure(&spec)
	return spec, nil
}

// secure fills in the Pod Security defaults of the release's level where
// the spec leaves them unset, in the pod and in every container: a
// RuntimeDefault seccomp profile, no privilege escalation (unless the
// container is privileged), and at the restricted level non-root and every
// capability dropped (drop: [ALL] wherever drop is unset, beside add). What the spec sets stays (a node agent at the privileged
// level sets what it needs); the compiled pod is checked against the
// level afterwards.
func (a *assembler) secure(spec *corev1.PodSpec) {
	r := a.r
	restricted := r.PodSecurity == release.PodSecurityRestricted
	if spec.SecurityContext == nil {
		spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	psc := spec.SecurityContext
	if psc.SeccompProfile == nil {
		psc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
	if psc.RunAsUser == nil {
		psc.RunAsUser = r.RunAsUser
	}
	if restricted && psc.RunAsNonRoot == nil {
		psc.RunAsNonRoot = ptr.To(true)
	}
	for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for i := range cs {
			if cs[i].SecurityContext == nil {
				cs[i].SecurityContext = &corev1.SecurityContext{}
			}
			sc := cs[i].SecurityContext
			// A privileged container escalates by definition (the API
			// server refuses it with allowPrivilegeEscalation: false).
			if sc.AllowPrivilegeEscalation == nil && (sc.Privileged == nil || !*sc.Privileged) {
				sc.AllowPrivilegeEscalation = ptr.To(false)
			}
			// Restricted allows NET_BIND_SERVICE in add once ALL is
			// dropped: drop is filled in beside what add says.
			if restricted && sc.Capabilities == nil {
				sc.Capabilities = &corev1.Capabilities{}
			}
			if restricted && sc.Capabilities.Drop == nil {
				sc.Capabilities.Drop = []corev1.Capability{"ALL"}
			}
		}
	}
}

// pullPolicy is the spec's, else Always for the mutable "latest" tag
// without a digest, else IfNotPresent.
func pullPolicy(r *release.Release, v *release.Version) corev1.PullPolicy {
	switch {
	case r.ImagePullPolicy != "":
		return corev1.PullPolicy(r.ImagePullPolicy)
	case v.Tag == "latest" && v.Digest == "":
		return corev1.PullAlways
	}
	return corev1.PullIfNotPresent
}

func resourceList(m map[string]resource.Quantity) corev1.ResourceList {
	if len(m) == 0 {
		return nil
	}
	l := corev1.ResourceList{}
	for k, v := range m {
		l[corev1.ResourceName(k)] = v
	}
	return l
}

// probe is p, a probe in short form, in Kubernetes' form; nil for nil.
func (a *assembler) probe(p *release.Probe) *corev1.Probe {
	if p == nil {
		return nil
	}
	port := func(ref *intstr.IntOrString) intstr.IntOrString {
		if ref != nil {
			return *ref
		}
		return intstr.FromString(a.r.Ports[0].Name)
	}
	pr := &corev1.Probe{
		InitialDelaySeconds: p.InitialDelaySeconds,
		PeriodSeconds:       p.PeriodSeconds,
		TimeoutSeconds:      p.TimeoutSeconds,
		SuccessThreshold:    p.SuccessThreshold,
		FailureThreshold:    p.FailureThreshold,
	}
	switch {
	case p.HTTP != nil:
		pr.HTTPGet = &corev1.HTTPGetAction{Path: p.HTTP.Path, Port: port(p.HTTP.Port)}
	case p.TCP != nil:
		pr.TCPSocket = &corev1.TCPSocketAction{Port: port(p.TCP.Port)}
	case p.Exec != nil:
		pr.Exec = &corev1.ExecAction{Command: p.Exec.Command}
	}
	return pr
}

func (a *assembler) service(s ServicePlan) *corev1.Service {
	r := a.r
	sel := map[string]string{release.LabelApp: r.Name}
	if s.Role != "" {
		sel[release.LabelVersion] = a.versionOf(s.Role).Version
	}
	meta := a.meta(s.Name)
	meta.Annotations = release.Merged(r.Annotations, r.Service.Annotations)
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta,
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceType(r.Service.Type),
			Selector: sel,
		},
	}
	if s.Preview || s.Headless {
		// The preview Service is for testing the idle version in-cluster;
		// the headless one only names the pods.
		svc.Spec.Type = corev1.ServiceTypeClusterIP
	}
	if s.Headless {
		// It names the pods for their peers, which find each other while
		// starting (a database's replicas), ready or not; a cloud load
		// balancer's settings are not its own.
		svc.Spec.ClusterIP = corev1.ClusterIPNone
		svc.Spec.PublishNotReadyAddresses = true
		svc.Annotations = maps.Clone(r.Annotations)
	}
	for _, p := range r.Ports {
		if !p.Exposed() {
			continue // kept off the Services: a metrics or admin port
		}
		sp := corev1.ServicePort{
			Name:       p.Name,
			Port:       p.ServicePort,
			TargetPort: intstr.FromString(p.Name),
			Protocol:   corev1.Protocol(p.Protocol),
		}
		if !s.Preview && !s.Headless {
			sp.NodePort = p.NodePort
		}
		if p.AppProtocol != "" {
			sp.AppProtocol = &p.AppProtocol
		}
		svc.Spec.Ports = append(svc.Spec.Ports, sp)
	}
	shape(svc, r, s)
	return svc
}

// versionOf returns the version playing role.
func (a *assembler) versionOf(role string) *release.Version {
	if role == release.RoleCandidate && a.r.Candidate != nil {
		return a.r.Candidate
	}
	return &a.r.Stable
}

// Host is how the Istio objects name the release's main Service: its short
// name, which Istio resolves in the namespace of the rule — the Service's
// own. Unlike a fully qualified name it stays right when kustomize moves
// the objects to another namespace, and kustomize can rename it with the
// Service (examples/kustomize/base/istio-names.yaml).
func Host(r *release.Release) string { return r.Name }

// GatewayName is the name of the Gateway for an external host.
func GatewayName(r *release.Release) string { return r.Name + "-gateway" }

// gatewayServers listens for the external host on port 80 and, with TLS,
// on 443 terminating HTTPS, port 80 then redirecting unless told to serve.
// The HTTPS port is named per release: Gateways sharing a workload and an
// HTTPS port need distinct port names on older Istio releases.
func gatewayServers(r *release.Release) []istio.Server {
	hosts := []string{r.Host}
	servers := []istio.Server{{Port: istio.Port{Number: 80, Name: "http", Protocol: "HTTP"}, Hosts: hosts}}
	if t := r.TLS; t != nil {
		if t.HTTPSRedirect {
			servers[0].TLS = &istio.ServerTLS{HTTPSRedirect: true}
		}
		servers = append(servers, istio.Server{
			Port:  istio.Port{Number: 443, Name: "https-" + r.Namespace + "-" + r.Name, Protocol: "HTTPS"},
			Hosts: hosts,
			TLS:   &istio.ServerTLS{Mode: "SIMPLE", CredentialName: t.CredentialName},
		})
	}
	return servers
}

// externalName is the name of the VirtualService that routes the external
// host when the mesh's routes cannot serve it too: a Service of several
// ports, or a wildcard host.
func externalName(r *release.Release) string { return r.Name + "-external" }

func (a *assembler) istio() {
	r := a.r
	host := Host(r)
	if a.p.Routes.Subsets {
		dr := &istio.DestinationRule{
			TypeMeta:   metav1.TypeMeta{APIVersion: istio.APIVersion, Kind: "DestinationRule"},
			ObjectMeta: a.meta(r.Name),
			Spec:       istio.DestinationRuleSpec{Host: host},
		}
		for _, m := range r.Versions() {
			dr.Spec.Subsets = append(dr.Spec.Subsets, istio.Subset{Name: m.Role, Labels: map[string]string{release.LabelVersion: m.Version.Version}})
		}
		if r.Candidate == nil {
			// Without a candidate, subset candidate is the stable version
			// too. Applying a release is not atomic: the DestinationRule
			// lands before the VirtualService, and just after a promotion
			// the previous VirtualService still sends traffic to
			// candidate — now the stable version, which it was.
			dr.Spec.Subsets = append(dr.Spec.Subsets, istio.Subset{Name: release.RoleCandidate, Labels: map[string]string{release.LabelVersion: r.Stable.Version}})
		}
		a.objs = append(a.objs, dr)
	}
	// A destination names a port only where Istio cannot infer it. In the
	// mesh a request goes on to the port it was addressed to, so with
	// several ports the routes leave the port out and split every HTTP
	// port alike; a gateway would go on to its own listening port, so
	// routes from a gateway name the primary one.
	primary := &istio.PortSelector{Number: uint32(r.Ports[0].ServicePort)}
	meshPort := primary
	exposed := len(slices.DeleteFunc(slices.Clone(r.Ports), func(p release.Port) bool { return !p.Exposed() }))
	if exposed > 1 {
		meshPort = nil
	}
	vs := a.virtualService(r.Name, a.httpRoutes(meshPort), host)
	vs.Spec.TCP = a.tcpRoutes()
	if r.Host == "" {
		a.objs = append(a.objs, vs)
		return
	}
	// The external host comes in through a Gateway: the one the spec
	// binds, or one compiled for it.
	gateway := r.Gateway
	if gateway == "" {
		gateway = GatewayName(r)
		a.objs = append(a.objs, &istio.Gateway{
			TypeMeta:   metav1.TypeMeta{APIVersion: istio.APIVersion, Kind: "Gateway"},
			ObjectMeta: a.meta(gateway),
			Spec:       istio.GatewaySpec{Selector: maps.Clone(r.GatewaySelector), Servers: gatewayServers(r)},
		})
	}
	// One set of routes serves both when they name the same port — unless
	// the host is a wildcard, which bound to the mesh would capture
	// in-cluster calls to every host it matches.
	if exposed == 1 && !strings.HasPrefix(r.Host, "*") {
		vs.Spec.Hosts = append(vs.Spec.Hosts, r.Host)
		vs.Spec.Gateways = []string{gateway, "mesh"}
		a.objs = append(a.objs, vs)
		return
	}
	ext := a.virtualService(externalName(r), a.httpRoutes(primary), r.Host)
	ext.Spec.Gateways = []string{gateway}
	a.objs = append(a.objs, vs, ext)
}

// virtualService is a VirtualService for hosts with routes.
func (a *assembler) virtualService(name string, routes []istio.HTTPRoute, hosts ...string) *istio.VirtualService {
	return &istio.VirtualService{
		TypeMeta:   metav1.TypeMeta{APIVersion: istio.APIVersion, Kind: "VirtualService"},
		ObjectMeta: a.meta(name),
		Spec:       istio.VirtualServiceSpec{Hosts: hosts, HTTP: routes},
	}
}

// httpRoutes are the plan's routes: the candidate's match rules, then the
// weighted (and mirrored) default. port is the destination port, nil to
// keep the port a request was addressed to.
func (a *assembler) httpRoutes(port *istio.PortSelector) []istio.HTTPRoute {
	rt := a.p.Routes
	dest := func(role string) istio.Destination {
		d := istio.Destination{Host: Host(a.r), Port: port}
		if rt.Subsets && !rt.AllPods {
			d.Subset = role
		}
		return d
	}
	var routes []istio.HTTPRoute
	if len(rt.Match) > 0 {
		route := istio.HTTPRoute{Name: release.RoleCandidate, Route: []istio.HTTPRouteDestination{{Destination: dest(release.RoleCandidate)}}}
		for i, m := range rt.Match {
			route.Match = append(route.Match, httpMatch(fmt.Sprintf("match-%d", i), m))
		}
		routes = append(routes, route)
	}
	def := istio.HTTPRoute{Name: "default", Route: weighted(rt.Default, dest)}
	if m := rt.Mirror; m != nil {
		md := dest(m.Role)
		def.Mirror = &md
		def.MirrorPercentage = &istio.Percent{Value: m.Percent}
	}
	return append(routes, def)
}

// tcpRoutes split the connections to each TCP port that is neither HTTP
// nor TLS as the default http route splits requests: without them a port
// such as tcp-admin reaches every version's pods through the Service,
// whatever the strategy says. Match rules and mirroring are HTTP's; such
// connections go by the default weights.
func (a *assembler) tcpRoutes() []istio.TCPRoute {
	rt := a.p.Routes
	if !rt.Subsets || rt.AllPods {
		return nil // one version, or every ready pod: the Service's pods are the right ones
	}
	var routes []istio.TCPRoute
	for _, p := range a.r.Ports {
		if proto := istio.Protocol(p.Name, p.AppProtocol); !p.Exposed() || p.Protocol != "TCP" || istio.HTTPPort(proto) || istio.TLSPort(proto) {
			continue
		}
		port := &istio.PortSelector{Number: uint32(p.ServicePort)}
		routes = append(routes, istio.TCPRoute{
			Match: []istio.L4MatchAttributes{{Port: port.Number}},
			Route: weighted(rt.Default, func(role string) istio.Destination {
				return istio.Destination{Host: Host(a.r), Subset: role, Port: port}
			}),
		})
	}
	return routes
}

// weighted is the destinations of the default route, dest naming each
// role's; a lone destination takes all traffic and carries no weight.
func weighted(ws []Weighted, dest func(role string) istio.Destination) []istio.HTTPRouteDestination {
	out := make([]istio.HTTPRouteDestination, len(ws))
	for i, w := range ws {
		out[i].Destination = dest(w.Role)
		if len(ws) > 1 {
			out[i].Weight = w.Weight
		}
	}
	return out
}

// httpMatch converts an A/B condition set; a cookie is matched in the
// Cookie header.
func httpMatch(name string, m release.Match) istio.HTTPMatchRequest {
	hm := istio.HTTPMatchRequest{Name: name}
	conv := func(in map[string]release.StringMatch) map[string]istio.StringMatch {
		if len(in) == 0 {
			return nil
		}
		out := map[string]istio.StringMatch{}
		for k, v := range in {
			out[k] = stringMatch(v)
		}
		return out
	}
	hm.Headers = conv(m.Headers)
	hm.QueryParams = conv(m.QueryParams)
	if c := m.Cookie; c != nil {
		if hm.Headers == nil {
			hm.Headers = map[string]istio.StringMatch{}
		}
		hm.Headers["cookie"] = istio.StringMatch{Regex: fmt.Sprintf("^(.*?;\\s*)?(%s=%s)(;.*)?$", regexp.QuoteMeta(c.Name), regexp.QuoteMeta(c.Value))}
	}
	return hm
}

func stringMatch(s release.StringMatch) istio.StringMatch {
	switch {
	case s.Exact != nil:
		return istio.StringMatch{Exact: *s.Exact}
	case s.Prefix != nil:
		return istio.StringMatch{Prefix: *s.Prefix}
	default:
		return istio.StringMatch{Regex: *s.Regex}
	}
}
