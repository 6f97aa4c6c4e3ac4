package podcheck

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psa "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// evaluator is the API server's own Pod Security evaluator, with the
// checks of the Kubernetes version rollspec is built with.
// Built at its first use, not when a process starts.
var evaluator = sync.OnceValue(func() policy.Evaluator {
	e, err := policy.NewEvaluator(latestChecks(policy.DefaultChecks()), nil)
	if err != nil {
		panic("podcheck: the default Pod Security checks do not build an evaluator: " + err.Error())
	}
	return e
})

// latestChecks are checks as the latest Kubernetes version runs them:
// each with only its newest form, from the newest version any check has.
// rollspec evaluates at the latest version only, and the evaluator builds
// a table for every minor version from 1.0 on where a check applies: a
// cost every process would pay (0.17 ms) for tables it never reads.
// TestLatestChecks compares both evaluators on Kubernetes' own fixtures.
func latestChecks(checks []policy.Check) []policy.Check {
	var latest psa.Version
	for _, c := range checks {
		if v := c.Versions[len(c.Versions)-1].MinimumVersion; latest.Older(v) {
			latest = v
		}
	}
	out := make([]policy.Check, len(checks))
	for i, c := range checks {
		newest := c.Versions[len(c.Versions)-1]
		newest.MinimumVersion = latest
		c.Versions = []policy.VersionedCheck{newest}
		out[i] = c
	}
	return out
}

// levels are the Pod Security levels by the names the spec gives them.
var levels = map[string]psa.Level{
	release.PodSecurityRestricted: psa.LevelRestricted,
	release.PodSecurityBaseline:   psa.LevelBaseline,
	release.PodSecurityPrivileged: psa.LevelPrivileged,
}

// Security evaluates the compiled pod of the version playing role at the
// release's Pod Security level, as the API server will, and returns each
// violation at the field of the spec that causes it: a pod the level
// forbids is an error here, not a refusal on the cluster.
func Security(r *release.Release, role string, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []Problem {
	level, ok := levels[r.PodSecurity]
	if !ok || level == psa.LevelPrivileged {
		return nil
	}
	at := func(l psa.Level) []policy.CheckResult {
		return evaluator().EvaluatePod(psa.LevelVersion{Level: l, Version: psa.LatestVersion()}, meta, spec)
	}
	l := &locator{r: r, at: fieldpath.Role(role), dec: &decoded{}}
	for _, m := range r.Versions() {
		if m.Role == role {
			l.m = m
		}
	}
	// A violation at a field the baseline level forbids too needs the
	// privileged level.
	baseline := map[fieldpath.Path]bool{}
	if level == psa.LevelRestricted {
		for _, res := range at(psa.LevelBaseline) {
			if !res.Allowed {
				for _, f := range violationFields(l, spec, res.ForbiddenDetail) {
					baseline[f] = true
				}
			}
		}
	}
	// The allowPrivilegeEscalation field of each privileged container.
	privileged := map[fieldpath.Path]bool{}
	for _, cs := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for _, c := range cs {
			if sc := c.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
				for _, f := range violationFields(l, spec, fmt.Sprintf("container %q must set securityContext.allowPrivilegeEscalation=false", c.Name)) {
					privileged[f] = true
				}
			}
		}
	}
	var problems []Problem
	for _, res := range at(level) {
		if res.Allowed {
			continue
		}
		fields := violationFields(l, spec, res.ForbiddenDetail)
		if res.ForbiddenReason == escalation {
			// A privileged container escalates by definition: its
			// privilege is the problem to report, once.
			fields = slices.DeleteFunc(fields, func(f fieldpath.Path) bool { return privileged[f] })
			if len(fields) == 0 {
				continue
			}
		}
		lower := `podSecurity: "baseline", which allows it`
		if level == psa.LevelBaseline || slices.ContainsFunc(fields, func(f fieldpath.Path) bool { return baseline[f] }) {
			lower = `podSecurity: "privileged", which allows anything`
		}
		keep := cmp.Or(keepLevel(res.ForbiddenReason, res.ForbiddenDetail, level), "change the field")
		text := fmt.Sprintf("%s: podSecurity %q forbids %s (allowed: %s; or %s)", res.ForbiddenDetail, r.PodSecurity, res.ForbiddenReason, keep, lower)
		for _, f := range fields {
			problems = append(problems, Problem{f, text})
		}
	}
	return problems
}

// escalation is the reason the check of allowPrivilegeEscalation gives.
const escalation = "allowPrivilegeEscalation != false"

// The expressions read a violation's detail; compiled when a pod first
// violates its level, not at every start.
var (
	// quotedName is a container name as the checks quote it.
	quotedName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"([^"]+)"`) })
	// contextField is the securityContext field a check names.
	contextField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`securityContext\.[A-Za-z.]+[A-Za-z]`) })
	// podField is a pod field the host namespace check names.
	podField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b(hostNetwork|hostPID|hostIPC)\b`) })
)

// violationFields finds the fields of the spec a check's detail is about:
// the containers it names, by name, and the field it names in them (or
// in the pod), written where l finds them.
func violationFields(l *locator, spec *corev1.PodSpec, detail string) []fieldpath.Path {
	// The securityContext field, to its first member: a check may name
	// capabilities.drop where another names capabilities.add.
	field := contextField().FindString(detail)
	if parts := strings.SplitN(field, ".", 3); len(parts) == 3 {
		field = parts[0] + "." + parts[1]
	}
	switch {
	case strings.Contains(detail, "runAsUser=0"):
		field = "securityContext.runAsUser"
	case strings.HasPrefix(detail, "volume"):
		field = "volumes"
	case strings.Contains(detail, "hostPort"):
		field = "ports"
	}
	var out []fieldpath.Path
	if m := podField().FindAllString(detail, -1); m != nil && !strings.Contains(detail, "container") {
		for _, f := range m {
			out = append(out, l.section(false, f).Below(f))
		}
		return out
	}
	if field == "volumes" {
		// volume "x" uses …, volumes "x", "y" …: each at its entry.
		for _, q := range quotedName().FindAllStringSubmatch(strings.SplitN(detail, " uses ", 2)[0], -1) {
			out = append(out, l.entry(false, "volumes", "name", q[1], 0))
		}
		return out
	}
	named := false
	for _, q := range quotedName().FindAllStringSubmatch(detail, -1) {
		name := q[1]
		if !isContainer(spec, name) {
			continue
		}
		named = true
		if name == l.r.Name {
			top, _, _ := strings.Cut(field, ".")
			out = append(out, l.section(true, top).Below(field))
			continue
		}
		for _, list := range []string{"containers", "initContainers"} {
			if at, ok := l.find(list, "name", name, 0); ok {
				out = append(out, fieldpath.Kube{Path: at}.Below(field))
				break
			}
		}
	}
	if !named {
		// The pod as a whole: its securityContext, or the pod itself.
		out = append(out, l.section(false, "securityContext").Below(field))
	}
	return out
}

// isContainer reports whether spec has a container or init container
// named name.
func isContainer(spec *corev1.PodSpec, name string) bool {
	for _, cs := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for _, c := range cs {
			if c.Name == name {
				return true
			}
		}
	}
	return false
}
