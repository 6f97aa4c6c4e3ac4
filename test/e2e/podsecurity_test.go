package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/manifest"
	"github.com/rollspec/rollspec/release"
)

// TestPodSecurityRefused keeps a pod the release's Pod Security level
// forbids off the cluster, and proves that the compiler's verdict is the
// API server's. For each spec section the level forbids, rollspec's
// compile fails with errors at that section's line and field; the pod it
// refused (the generator's output, before the evaluation) is then sent
// to a namespace enforcing that level: the API server refuses the Pod
// itself, and warns about and never creates the pods of its Deployment,
// in each case naming exactly the violations the compiler named (plus, for
// Pods, those of fields the API server defaults in Pods only). (That
// every compiled pod of every example is admitted without a warning is
// TestExamples.)
func TestPodSecurityRefused(t *testing.T) {
	needCluster(t)
	for _, tc := range []struct {
		name, level string
		section     string // one line of spec the level forbids
		// defaulted are violations only of the Pods the API server
		// creates: it defaults fields of a Pod that it leaves unset in a
		// pod template, which the compiler and the Deployment's warning
		// evaluate. Each adds to a refusal, never makes one.
		defaulted []string
		// implied are violations the compiler folds into one it names:
		// a privileged container escalates privilege by definition, so
		// the compiler reports the privilege alone.
		implied []string
	}{
		{name: "privileged", level: release.PodSecurityRestricted, section: "container: {securityContext: {privileged: true}}",
			implied: []string{`allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)`}},
		// A hostNetwork Pod's hostPort defaults to its containerPort.
		{name: "host-network", level: release.PodSecurityBaseline, section: "pod: {hostNetwork: true}",
			defaulted: []string{`hostPort (container "web" uses hostPort 8080)`}},
		{name: "capabilities", level: release.PodSecurityRestricted, section: "container: {securityContext: {capabilities: {add: [NET_ADMIN]}}}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ns := "psa-" + tc.name
			src := fmt.Sprintf(`name: web
namespace: %s
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 2
readinessProbe: {http: {path: /healthz}}
runAsUser: 1000
podSecurity: %s
%s
stable: {version: "v1", tag: "v1"}
strategy: {ramped: {}}
`, ns, tc.level, tc.section)
			const file, line = "spec.yaml", 9 // the section's line
			top, _, _ := strings.Cut(tc.section, ":")

			_, err := compile.Bytes(loader, file, []byte(src))
			var list diag.List
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("compiling at podSecurity %s: got %v, want positioned errors", tc.level, err)
			}
			var want []string // "check (detail)", as the API server words them
			for _, d := range list {
				if d.Pos.Filename() != file || d.Pos.Line() != line || !strings.HasPrefix(d.Field, top+".") {
					t.Errorf("error at %s:%d, field %s; want %s:%d in %s: %v", d.Pos.Filename(), d.Pos.Line(), d.Field, file, line, top, d)
				}
				detail, rest, ok := strings.Cut(d.Text, fmt.Sprintf(": podSecurity %q forbids ", tc.level))
				check, _, ok2 := strings.Cut(rest, " (allowed: ")
				if !ok || !ok2 {
					t.Fatalf("error %q does not name the level's check", d.Text)
				}
				want = append(want, check+" ("+detail+")")
			}
			t.Logf("compiler: %s", strings.Join(want, ", "))

			// The objects the compiler refused to write.
			specs, err := loader.LoadBytes(file, []byte(src)).Releases(nil)
			if err != nil || len(specs) != 1 {
				t.Fatalf("loading the spec: %d releases, %v", len(specs), err)
			}
			res, err := gen.Compile(specs[0].Release)
			if err != nil {
				t.Fatal(err)
			}
			objs, err := manifest.Render(res.Objects)
			if err != nil {
				t.Fatal(err)
			}
			r := &compile.Release{Spec: specs[0], Result: res, YAML: objs}
			deps := deploymentsOf(r)
			if len(deps) != 1 {
				t.Fatalf("generated %d Deployments, want 1", len(deps))
			}
			tmpl := deps[0].Spec.Template

			namespace(t, ns, tc.level)
			refused := fmt.Sprintf("violates PodSecurity %q: ", tc.level+":latest")

			// The Pod itself: refused.
			p, err := json.Marshal(corev1.Pod{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
				ObjectMeta: metav1.ObjectMeta{Name: "web-by-hand", Namespace: ns, Labels: tmpl.Labels},
				Spec:       tmpl.Spec,
			})
			if err != nil {
				t.Fatal(err)
			}
			_, stderr, err := kube.Kubectl(t.Context(), p, "create", "-f", "-")
			if err == nil {
				t.Fatalf("the API server created the pod at %s", tc.level)
			}
			sameViolations(t, "refusing the pod", string(stderr), refused, slices.Concat(want, tc.implied, tc.defaulted))

			// Its Deployment: admitted with a warning, its pods refused.
			_, stderr, err = kube.Kubectl(t.Context(), r.YAML, "apply", "-f", "-")
			if err != nil {
				t.Fatal(err)
			}
			sameViolations(t, "warning about the Deployment", string(stderr), fmt.Sprintf("would violate PodSecurity %q: ", tc.level+":latest"), slices.Concat(want, tc.implied))
			eventually(t, timeoutRollout, func() string {
				var d struct {
					Status struct {
						Conditions []struct {
							Type, Status, Reason, Message string
						} `json:"conditions"`
					} `json:"status"`
				}
				getJSON(t, &d, "deployment", "-n", ns, "web")
				for _, c := range d.Status.Conditions {
					if c.Type == "ReplicaFailure" && c.Status == "True" && c.Reason == "FailedCreate" {
						sameViolations(t, "refusing the Deployment's pods", c.Message, refused, slices.Concat(want, tc.implied, tc.defaulted))
						return ""
					}
				}
				return fmt.Sprintf("deployment %s/web: conditions %+v, want ReplicaFailure (FailedCreate)", ns, d.Status.Conditions)
			})
			if ps := pods(t, ns, release.LabelName+"=web"); len(ps) != 0 {
				t.Errorf("%d pods of web exist in a namespace enforcing %s", len(ps), tc.level)
			}
		})
	}
}

// sameViolations checks that msg holds prefix followed by exactly the
// violations want, in any order, each written "check (detail)" and
// separated by ", " as Pod Security admission joins them.
func sameViolations(t *testing.T, what, msg, prefix string, want []string) {
	t.Helper()
	_, list, ok := strings.Cut(msg, prefix)
	if !ok {
		t.Errorf("%s: no %q in %q", what, prefix, msg)
		return
	}
	list, _, _ = strings.Cut(list, "\n")
	rest := list
	for _, v := range want {
		if !strings.Contains(rest, v) {
			t.Errorf("%s: the API server does not name %q the compiler named: %s", what, v, list)
		}
		rest = strings.Replace(rest, v, "", 1)
	}
	if extra := strings.Trim(rest, ", "); extra != "" {
		t.Errorf("%s: the API server names violations the compiler did not: %s (all: %s)", what, extra, list)
	}
}
