package load

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/istio"
	"github.com/rollspec/rollspec/internal/podcheck"
	"github.com/rollspec/rollspec/internal/servicecheck"
	"github.com/rollspec/rollspec/release"
)

// Label keys rollspec sets itself; user labels may not override them.
var reservedLabels = release.ReservedLabels()

// cookieHeader is the header a match's cookie condition matches.
const cookieHeader = "cookie"

// checker applies the rules that span fields to a decoded release.
type checker struct {
	s     *Spec
	r     *release.Release
	sound map[string]bool // top-level fields that may be checked; nil: all
	errs  diag.List
}

// check returns the problems of spec's release that the schema alone
// cannot express, and records warnings on spec. sound names the
// top-level fields the schema accepted when it rejected others (nil when
// it accepted the whole release); a rule runs only when every field it
// reads is sound, so it never reports a consequence of another problem.
func check(spec *Spec, sound map[string]bool) diag.List {
	c := &checker{s: spec, r: spec.Release, sound: sound}
	c.defaults()
	c.workload()
	c.strategy()
	c.versions()
	c.ports()
	c.hostPorts()
	c.probe()
	c.resources()
	c.labels()
	c.traffic()
	c.exposure()
	c.limits()
	c.envOverConfig()
	c.pod()
	c.service()
	c.autoscaler()
	c.versionAutoscalers()
	c.budget()
	return c.errs
}

// ok reports whether every named top-level field may be checked.
func (c *checker) ok(tops ...fieldpath.Path) bool {
	if c.sound == nil {
		return true
	}
	for _, f := range tops {
		if !c.sound[f.String()] {
			return false
		}
	}
	return true
}

func (c *checker) fail(at fieldpath.Path, format string, args ...any) {
	c.errs = append(c.errs, &diag.Diagnostic{Pos: c.s.Pos(at), Field: at.String(), Text: fmt.Sprintf(format, args...)})
}

// wrote reports whether the spec wrote the field at.
func (c *checker) wrote(at fieldpath.Path) bool {
	_, ok := c.s.pos.find(at.String())
	return ok
}

// defaults fills values the schema leaves to Go.
func (c *checker) defaults() {
	if !c.ok(fieldpath.Ports.Path) {
		return
	}
	for i := range c.r.Ports {
		if c.r.Ports[i].ServicePort == 0 {
			c.r.Ports[i].ServicePort = c.r.Ports[i].ContainerPort
		}
	}
}

func (c *checker) strategy() {
	if !c.ok(fieldpath.Strategy.Path) {
		return
	}
	set := c.r.Strategy.Set()
	switch len(set) {
	case 1:
		c.kindRules(set[0])
	case 0:
		c.fail(fieldpath.Strategy.Path, "choose exactly one strategy (allowed: %s)", strings.Join(release.Kinds, ", "))
	default:
		c.fail(fieldpath.Strategy.Path, "choose exactly one strategy, found %s (allowed: %s)", strings.Join(set, " and "), strings.Join(release.Kinds, ", "))
		// Which one is meant is unknown, so only the rules within each
		// strategy's own settings apply.
		for _, kind := range set {
			c.settingRules(kind)
		}
	}
}

// kindRules checks the one strategy kind against the rest of the release.
func (c *checker) kindRules(kind string) {
	r, s := c.r, c.r.Strategy
	c.settingRules(kind)
	if !contains(workloadStrategies[r.WorkloadKind()].kinds, kind) {
		return // workload() refuses it: its rules about the rest would be noise
	}
	if !release.TwoVersion(kind) && !release.InPlace(kind) && c.ok(fieldpath.Candidate.Path) && r.Candidate != nil {
		c.fail(fieldpath.Candidate.Path, "%s replaces the running version in place: put the new version in stable (allowed: a candidate with blueGreen, canary, abTest, shadow, partitioned or onDelete)", kind)
	}
	switch kind {
	case release.KindRamped, release.KindPartitioned:
		if c.ok(fieldpath.ReadinessProbe.Path) && r.ReadinessProbe == nil && !c.wrote(fieldpath.Container.Below("readinessProbe")) {
			c.s.Warn(fieldpath.Strategy.Kinds[kind], "no readinessProbe: Kubernetes will count a broken version as ready and roll it out everywhere")
		}
	case release.KindBlueGreen:
		if c.ok(fieldpath.Candidate.Path) && s.BlueGreen.Active == release.RoleCandidate && r.Candidate == nil {
			c.fail(fieldpath.Strategy.BlueGreen.Active, "is \"candidate\" but no candidate is set (allowed: \"stable\" without a candidate)")
		}
	case release.KindCanary:
		if c.ok(fieldpath.Traffic, fieldpath.Candidate.Path, fieldpath.Strategy.Path) && r.Traffic == release.TrafficNative && r.Candidate != nil && s.Canary.Step == 0 {
			c.fail(fieldpath.Strategy.Canary.Step, "step 0 runs the candidate without traffic, which needs traffic: \"istio\": a native Service sends requests to every ready pod (allowed: 1 to %d; a native canary can start at step 1, as the Service waits for the candidate's pods to be ready)", len(s.Canary.Steps))
		}
		// With an autoscaler, autoscaler() refuses a native canary.
		if c.ok(fieldpath.Traffic, fieldpath.Candidate.Path, fieldpath.Stable.Path, fieldpath.Replicas) && r.Traffic == release.TrafficNative && r.Candidate != nil && r.Autoscaler == nil {
			if r.Replicas < 2 {
				c.fail(fieldpath.Replicas, "a native canary splits traffic by pod count and needs at least 2 replicas, has %d (allowed: 2 or more, or traffic: \"istio\")", r.Replicas)
			}
			for _, m := range r.Versions() {
				if m.Version.Replicas != nil {
					c.fail(fieldpath.Role(m.Role).Replicas, "a native canary computes each version's replicas from the step's weight (allowed: set replicas on the release, or use traffic: \"istio\")")
				}
			}
		}
	case release.KindABTest, release.KindShadow:
		c.requireIstio(kind)
	}
}

// settingRules checks a strategy's own settings, which no other field
// affects.
func (c *checker) settingRules(kind string) {
	s := c.r.Strategy
	switch kind {
	case release.KindRamped:
		surge := c.rampValue(fieldpath.Strategy.Ramped.MaxSurge, s.Ramped.MaxSurge, 0)
		unavail := c.rampValue(fieldpath.Strategy.Ramped.MaxUnavailable, s.Ramped.MaxUnavailable, 100)
		if surge == 0 && unavail == 0 && c.r.WorkloadKind() != release.WorkloadStatefulSet { // a StatefulSet's: statefulSetRamp
			c.fail(fieldpath.Strategy.Ramped.Path, "maxSurge and maxUnavailable are both zero, so no pod could ever be replaced (allowed: at least one above zero; maxSurge: 1, maxUnavailable: 0 never drops capacity)")
		}
	case release.KindCanary:
		cn := s.Canary
		for i := 1; i < len(cn.Steps); i++ {
			if cn.Steps[i] <= cn.Steps[i-1] {
				c.fail(fieldpath.Strategy.Canary.Steps.At(i), "weight %d does not increase on the previous step's %d (allowed: increasing weights ending at 100)", cn.Steps[i], cn.Steps[i-1])
			}
		}
		if last := cn.Steps[len(cn.Steps)-1]; last != 100 {
			c.fail(fieldpath.Strategy.Canary.Steps.At(len(cn.Steps)-1), "the last step is %d (allowed: the last step sends 100%% of traffic to the candidate)", last)
		}
		if cn.Step > len(cn.Steps) {
			first := "0, the candidate without traffic,"
			if c.ok(fieldpath.Traffic) && c.r.Traffic == release.TrafficNative {
				first = "1"
			}
			c.fail(fieldpath.Strategy.Canary.Step, "step %d is past the last step (allowed: %s to %d)", cn.Step, first, len(cn.Steps))
		}
	case release.KindABTest:
		for i, m := range s.ABTest.Match {
			c.match(fieldpath.Strategy.ABTest.Match.At(i), m)
		}
	case release.KindPartitioned:
		c.partitionSteps()
	}
}

// rampValue checks a count or percentage of pods, the percentage at most
// maxPercent (0: any; Kubernetes allows a surge above 100 %), and returns
// 0 when it is zero, else 1.
func (c *checker) rampValue(at fieldpath.Path, v intstr.IntOrString, maxPercent int) int {
	if v.Type == intstr.String {
		var n int
		limit := maxPercent
		if limit == 0 {
			limit = math.MaxInt32
		}
		if _, err := fmt.Sscanf(v.StrVal, "%d%%", &n); err != nil || n > limit {
			c.fail(at, "invalid value %q (allowed: a percentage from 0%% to %d%%)", v.StrVal, limit)
			return 1
		}
		if n == 0 {
			return 0
		}
		return 1
	}
	if v.IntVal == 0 {
		return 0
	}
	return 1
}

func (c *checker) requireIstio(kind string) {
	if c.ok(fieldpath.Traffic) && c.r.Traffic != release.TrafficIstio {
		c.fail(fieldpath.Traffic, "%s routes single requests, which needs a mesh (allowed: traffic: \"istio\")", kind)
	}
}

func (c *checker) match(at fieldpath.MatchFields, m release.Match) {
	if len(m.Headers) == 0 && m.Cookie == nil && len(m.QueryParams) == 0 {
		c.fail(at.Path, "empty match would send every request to the candidate (allowed: headers, cookie or queryParams)")
	}
	for name, sm := range m.Headers {
		c.stringMatch(at.Headers.Key(name), sm)
	}
	if _, ok := m.Headers[cookieHeader]; ok && m.Cookie != nil {
		c.fail(at.Headers.Key(cookieHeader).Path, "cookie already matches the Cookie header (allowed: cookie or a cookie header in one match, not both)")
	}
	for name, sm := range m.QueryParams {
		c.stringMatch(at.QueryParams.Key(name), sm)
	}
}

func (c *checker) stringMatch(at fieldpath.StringMatchFields, sm release.StringMatch) {
	n := 0
	for _, p := range []*string{sm.Exact, sm.Prefix, sm.Regex} {
		if p != nil {
			n++
		}
	}
	if n != 1 {
		c.fail(at.Path, "sets %d of exact, prefix and regex (allowed: exactly one)", n)
		return
	}
	if sm.Regex != nil {
		if _, err := regexp.Compile(*sm.Regex); err != nil {
			c.fail(at.Regex, "invalid regular expression: %v (allowed: RE2 syntax, as Envoy reads it)", err)
		}
	}
}

func (c *checker) versions() {
	if !c.ok(fieldpath.Name, fieldpath.Image, fieldpath.Stable.Path, fieldpath.Candidate.Path, fieldpath.Strategy.Path) {
		return
	}
	r := c.r
	for _, m := range r.Versions() {
		v, at := m.Version, fieldpath.Role(m.Role)
		if v.Tag == "" && v.Digest == "" {
			c.fail(at.Path, "needs a tag or a digest to name the image (allowed: tag, digest or both)")
		}
		if r.Image == "" && v.Image == "" {
			c.fail(at.Image, "missing image (allowed: image on the release, or on each version)")
		}
		slug := release.Slug(v.Version)
		if release.TwoVersion(r.Strategy.Kind()) && len(slug) > release.MaxSlug {
			c.fail(at.Version, "%q makes the object name part %q, longer than %d characters (allowed: a shorter version label)", v.Version, slug, release.MaxSlug)
		}
		if v.Tag == "latest" {
			c.s.Warn(at.Tag, "\"latest\" is a mutable tag: nodes may run different code; pin a version or a digest")
		}
	}
	if cd := r.Candidate; cd != nil {
		switch {
		case cd.Version == r.Stable.Version:
			c.fail(fieldpath.Candidate.Version, "%q is also the stable version (allowed: a different version label)", cd.Version)
		case release.Slug(cd.Version) == release.Slug(r.Stable.Version):
			c.fail(fieldpath.Candidate.Version, "%q and stable's %q both make the object name %s-%s (allowed: versions that differ in letters or digits)", cd.Version, r.Stable.Version, r.Name, release.Slug(cd.Version))
		}
	}
}

func (c *checker) ports() {
	if !c.ok(fieldpath.Ports.Path, fieldpath.Service.Path) {
		return
	}
	r := c.r
	// A port number may serve TCP and UDP at once (DNS on 53); a number
	// and protocol, once.
	type key struct {
		port     int32
		protocol string
	}
	names := map[string]bool{}
	cports, sports, nports := map[key]bool{}, map[key]bool{}, map[key]bool{}
	for i, p := range r.Ports {
		f := fieldpath.Ports.At(i)
		if i == 0 && !p.Exposed() {
			c.fail(f.Service, "the first port is the one the Services expose, Istio routes and probes default to (allowed: service: false on a later port)")
		}
		if names[p.Name] {
			c.fail(f.Name, "port name %q is used twice (allowed: unique names)", p.Name)
		}
		if cports[key{p.ContainerPort, p.Protocol}] {
			c.fail(f.ContainerPort, "container port %d/%s is used twice (allowed: each number once per protocol)", p.ContainerPort, p.Protocol)
		}
		if sports[key{p.ServicePort, p.Protocol}] {
			c.fail(f.ServicePort, "service port %d/%s is used twice (allowed: each number once per protocol)", p.ServicePort, p.Protocol)
		}
		if p.NodePort != 0 && nports[key{p.NodePort, p.Protocol}] {
			c.fail(f.NodePort, "node port %d/%s is used twice (allowed: each number once per protocol)", p.NodePort, p.Protocol)
		}
		names[p.Name] = true
		cports[key{p.ContainerPort, p.Protocol}] = true
		sports[key{p.ServicePort, p.Protocol}] = true
		nports[key{p.NodePort, p.Protocol}] = true
		if p.NodePort != 0 && r.Service.Type == "ClusterIP" {
			c.fail(f.NodePort, "is set but service.type is \"ClusterIP\", which opens no node port (allowed: with service.type \"NodePort\" or \"LoadBalancer\")")
		}
	}
}

func (c *checker) probe() {
	for _, pr := range []struct {
		at fieldpath.ProbeFields
		p  *release.Probe
	}{{fieldpath.ReadinessProbe, c.r.ReadinessProbe}, {fieldpath.LivenessProbe, c.r.LivenessProbe}, {fieldpath.StartupProbe, c.r.StartupProbe}} {
		p := pr.p
		if p == nil || !c.ok(pr.at.Path, fieldpath.Ports.Path) {
			continue
		}
		n := 0
		if p.HTTP != nil {
			n++
			c.portRef(pr.at.HTTP, p.HTTP.Port)
		}
		if p.TCP != nil {
			n++
			c.portRef(pr.at.TCP, p.TCP.Port)
		}
		if p.Exec != nil {
			n++
		}
		if n != 1 {
			c.fail(pr.at.Path, "sets %d of http, tcp and exec (allowed: exactly one)", n)
		}
	}
}

// portRef checks the port a TCP or HTTP probe (the handler at) connects
// to: ref names a port, or is nil for the first one. Kubernetes probes
// over TCP, so a UDP or SCTP port is never ready and the rollout stalls.
func (c *checker) portRef(at fieldpath.ProbeHandlerFields, ref *intstr.IntOrString) {
	udp := func(p release.Port, f fieldpath.Path) {
		if p.Protocol != "TCP" {
			c.fail(f, "probes port %s (%d/%s) over TCP, which never answers there (allowed: a TCP port, or an exec probe)", p.Name, p.ContainerPort, p.Protocol)
		}
	}
	if ref == nil {
		udp(c.r.Ports[0], at.Path)
		return
	}
	var names []string
	var match *release.Port
	for i, p := range c.r.Ports {
		// By number, the TCP one of a port number open for TCP and UDP.
		if (ref.Type == intstr.String && ref.StrVal == p.Name) || (ref.Type == intstr.Int && ref.IntVal == p.ContainerPort && (match == nil || p.Protocol == "TCP")) {
			match = &c.r.Ports[i]
		}
		names = append(names, fmt.Sprintf("%q", p.Name))
	}
	if match != nil {
		udp(*match, at.Port)
		return
	}
	if ref.Type == intstr.Int {
		// Probing a port the container does not declare is legitimate,
		// but not the Service's port: the kubelet probes the pod itself.
		for _, p := range c.r.Ports {
			if ref.IntVal == p.ServicePort {
				c.fail(at.Port, "%d is port %s's servicePort; the kubelet probes the pod, which listens on containerPort %d (allowed: a container port number, or a port name such as %q)", ref.IntVal, p.Name, p.ContainerPort, p.Name)
				return
			}
		}
		return
	}
	c.fail(at.Port, "no port is named %q (allowed: %s)", ref.StrVal, strings.Join(names, ", "))
}

func (c *checker) resources() {
	if !c.ok(fieldpath.Resources.Path) {
		return
	}
	res := c.r.Resources
	if res == nil {
		return
	}
	lists := []struct {
		at fieldpath.Map[fieldpath.Path]
		q  map[string]resource.Quantity
	}{{fieldpath.Resources.Requests, res.Requests}, {fieldpath.Resources.Limits, res.Limits}}
	for _, l := range lists {
		for _, name := range slices.Sorted(maps.Keys(l.q)) {
			// Kubernetes cuts larger values to 2^63-1, silently: "10Ei" is
			// stored as 9223372036854775807, and comparisons lie.
			q := l.q[name]
			at := l.at.Key(name)
			switch {
			case q.CmpInt64(math.MaxInt64) >= 0:
				c.fail(at, "is 8Ei (2^63) or more, beyond what Kubernetes stores: it would be cut to 2^63-1 (allowed: below 8Ei)")
			case name != "cpu" && q.CmpInt64(math.MaxInt64/1000) < 0 && q.MilliValue()%1000 != 0:
				// The API server warns of fractional bytes ("500m").
				c.fail(at, "%s is a fraction of a byte (allowed: a whole number of bytes, such as \"512Mi\" or 536870912)", q.String())
			}
		}
	}
	for name, req := range res.Requests {
		if lim, ok := res.Limits[name]; ok && req.Cmp(lim) > 0 {
			c.fail(fieldpath.Resources.Requests.Key(name), "request %s is above the limit %s (allowed: at most the limit)", req.String(), lim.String())
		}
	}
}

func (c *checker) labels() {
	if !c.ok(fieldpath.Labels.Path) {
		return
	}
	for _, k := range reservedLabels {
		if _, ok := c.r.Labels[k]; ok {
			c.fail(fieldpath.Labels.Key(k), "%q is set by rollspec (allowed: any other label key)", k)
		}
	}
}

func (c *checker) traffic() {
	if !c.ok(fieldpath.Traffic) || c.r.Traffic == release.TrafficIstio && !istioRoutes(c.r.WorkloadKind(), c.r.Strategy.Kind()) {
		return // workload() refuses Istio there
	}
	r := c.r
	if c.ok(fieldpath.Service.Path, fieldpath.Candidate.Path) && r.Traffic == release.TrafficIstio && r.Candidate != nil && r.Service.Type != "ClusterIP" {
		c.s.Warn(fieldpath.Service.Type, "%s: clients outside the mesh reach both versions' pods directly, past Istio's routing; expose the release through host and its Gateway instead", r.Service.Type)
	}
	if c.ok(fieldpath.Host) && r.Host != "" && r.Traffic != release.TrafficIstio {
		c.fail(fieldpath.Host, "an external host is compiled to an Istio Gateway (allowed: with traffic: \"istio\")")
	}
	// Istio routes HTTP for a host, and between two versions (a staged
	// StatefulSet's, in one workload, too). A host with
	// a bad value is still a host the user wants routed, and a candidate
	// beside a bad strategy still means two versions.
	routed := (c.ok(fieldpath.Host) && r.Host != "") || (!c.ok(fieldpath.Host) && c.wrote(fieldpath.Host)) ||
		(c.ok(fieldpath.Strategy.Path) && (release.TwoVersion(r.Strategy.Kind()) || r.Strategy.Kind() == release.KindPartitioned)) ||
		(!c.ok(fieldpath.Strategy.Path) && c.ok(fieldpath.Candidate.Path) && r.Candidate != nil)
	if !routed || r.Traffic != release.TrafficIstio || !c.ok(fieldpath.Ports.Path) {
		return
	}
	switch first := r.Ports[0]; {
	case first.AppProtocol != "" && !istio.HTTPPort(istio.Protocol(first.Name, first.AppProtocol)):
		c.fail(fieldpath.Ports.At(0).AppProtocol, "Istio routes HTTP on the first port, whose appProtocol %q Istio reads before its name (allowed: http, http2, grpc, grpc-web, kubernetes.io/h2c or kubernetes.io/ws, or no appProtocol)", first.AppProtocol)
	case first.AppProtocol == "" && !istio.HTTPPort(first.Name):
		c.fail(fieldpath.Ports.At(0).Name, "Istio routes HTTP on the first port, named %q (allowed: http, http2, grpc or grpc-web, alone or before a '-' suffix, as in http-api)", first.Name)
	}
	if r.Ports[0].Protocol != "TCP" {
		c.fail(fieldpath.Ports.At(0).Protocol, "Istio routes HTTP over TCP on the first port, which is %s (allowed: TCP; put other ports after it)", r.Ports[0].Protocol)
	}
}

// exposure checks the settings that only mean something for an external
// host: TLS on the Gateway rollspec compiles, or a Gateway to bind instead.
func (c *checker) exposure() {
	r := c.r
	if c.ok(fieldpath.TLS.Path, fieldpath.Host) && r.TLS != nil && r.Host == "" {
		c.fail(fieldpath.TLS.Path, "HTTPS is served for the external host (allowed: with host set)")
	}
	if c.wrote(fieldpath.GatewaySelector) && c.ok(fieldpath.GatewaySelector) && !c.wroteBelow(fieldpath.GatewaySelector) {
		c.fail(fieldpath.GatewaySelector, "is empty (allowed: the labels of the ingress gateway pods, such as {istio: ingressgateway})")
	}
	if !c.ok(fieldpath.Gateway, fieldpath.Host) || r.Gateway == "" {
		return
	}
	if r.Host == "" {
		c.fail(fieldpath.Gateway, "binds the external host to a Gateway (allowed: with host set)")
	}
	if c.ok(fieldpath.TLS.Path) && r.TLS != nil {
		c.fail(fieldpath.TLS.Path, "HTTPS is a setting of the bound Gateway %s (allowed: tls without gateway, when rollspec compiles the Gateway)", r.Gateway)
	}
	if c.wrote(fieldpath.GatewaySelector) {
		c.fail(fieldpath.GatewaySelector, "selects the pods of the Gateway rollspec compiles (allowed: gatewaySelector without gateway)")
	}
}

// Sizes the API server enforces on what rollspec compiles.
const (
	maxConfigMapBytes   = 1 << 20   // data of one ConfigMap
	maxAnnotationsBytes = 256 << 10 // annotations of one object
)

// limits checks what the API server would reject in the compiled objects
// although each field alone is valid.
func (c *checker) limits() {
	r := c.r
	if c.ok(fieldpath.MinReadySeconds, fieldpath.ProgressDeadlineSeconds) && r.MinReadySeconds >= r.ProgressDeadlineSeconds {
		c.fail(fieldpath.MinReadySeconds, "%d is not below progressDeadlineSeconds (%d): Kubernetes rejects the Deployment (allowed: less than progressDeadlineSeconds)", r.MinReadySeconds, r.ProgressDeadlineSeconds)
	}
	if c.ok(fieldpath.Config, fieldpath.Stable.Path, fieldpath.Candidate.Path) {
		for _, m := range r.Versions() {
			if n := dataSize(release.Merged(r.Config, m.Version.Config)); n > maxConfigMapBytes {
				c.fail(fieldpath.Config, "the %s version's config is %d bytes (allowed: at most %d, the size of one ConfigMap)", m.Role, n, maxConfigMapBytes)
			}
		}
	}
	if c.ok(fieldpath.Annotations, fieldpath.ChangeCause) {
		if n := dataSize(r.Annotations) + len(release.AnnotationChangeCause) + len(r.ChangeCause); n > maxAnnotationsBytes {
			c.fail(fieldpath.Annotations, "annotations total %d bytes (allowed: at most %d per object, with changeCause)", n, maxAnnotationsBytes)
		}
	}
}

// dataSize is the size of a map's keys and values, as the API server counts.
func dataSize(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += len(k) + len(v)
	}
	return n
}

// wroteBelow reports whether the spec wrote any field under at.
func (c *checker) wroteBelow(at fieldpath.Path) bool {
	return c.s.pos.fieldsBelow(at.String())
}

// envOverConfig warns where env sets a variable that config also provides
// to the container's environment: Kubernetes lets env win, silently.
func (c *checker) envOverConfig() {
	r := c.r
	if r.ConfigPath != "" || !c.ok(fieldpath.Env.Path, fieldpath.Config, fieldpath.Stable.Path, fieldpath.Candidate.Path) {
		return
	}
	seen := map[string]bool{}
	for _, m := range r.Versions() {
		config := release.Merged(r.Config, m.Version.Config)
		for k := range release.Merged(r.Env, m.Version.Env) {
			if _, ok := config[k]; !ok || seen[k] {
				continue
			}
			seen[k] = true
			at := fieldpath.Env.Key(k)
			if _, ok := m.Version.Env[k]; ok {
				at = fieldpath.Role(m.Role).Env.Key(k)
			}
			c.s.Warn(at, "%s is also a config key: env replaces config's value in the environment (set it in one place)", k)
		}
	}
}

// service checks service.spec, the Services' fields in Kubernetes' own
// shape, against the release's service.type.
func (c *checker) service() {
	if !c.ok(fieldpath.Service.Path) {
		return
	}
	for _, p := range servicecheck.Check(c.r) {
		c.fail(p.At, "%s", p.Text)
	}
}

// pod checks the sections written in Kubernetes' own shape: the pod, the
// main container and each version's overlay of them.
func (c *checker) pod() {
	if !c.ok(fieldpath.Container.Path, fieldpath.Pod.Path, fieldpath.Env.Path) {
		return
	}
	// With a version the schema refused, the release's own sections are
	// still checked.
	versions := c.ok(fieldpath.Stable.Path, fieldpath.Candidate.Path, fieldpath.Config, fieldpath.ConfigPath)
	for _, p := range podcheck.Check(c.r, versions) {
		c.fail(p.At, "%s", p.Text)
	}
}
