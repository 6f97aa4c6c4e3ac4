package specdiff_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/planfmt"
	"github.com/rollspec/rollspec/internal/specdiff"
	"github.com/rollspec/rollspec/internal/stage"
)

// base is a release every case edits.
const base = `
name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 4
readinessProbe: {http: {path: /}}
runAsUser: 1000
`

const (
	canaryAt1 = base + `stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {canary: {steps: [25, 50, 100], step: 1}}
`
	ramped = base + `config: {LOG_LEVEL: info, OLD: x}
stable: {version: v1, tag: "1"}
strategy: {ramped: {}}
`
)

// compiled compiles the releases of src with their objects.
func compiled(t *testing.T, src string) []*compile.Release {
	t.Helper()
	if src == "" {
		return nil
	}
	rs, err := compile.Bytes(&load.Loader{}, "spec.yaml", []byte(src))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return rs
}

// lines states a release's diff one fact a line, for the cases to list
// what they expect: objects, fields, config keys, pods, routes.
func lines(r *specdiff.Release) []string {
	out := []string{"status " + r.Status}
	for _, o := range r.Objects {
		out = append(out, fmt.Sprintf("%s %s %s", o.Change, o.Kind, o.Name))
		for _, f := range o.Fields {
			out = append(out, fmt.Sprintf("  %s: %s → %s", f.Path, side(f.Old, f.OldAbsent), side(f.New, f.NewAbsent)))
		}
		if c := o.Config; c != nil {
			was := fmt.Sprintf("  was %s, for %v", o.Was, c.New)
			if len(c.Stays) > 0 {
				was += fmt.Sprintf(", stays for %v", c.Stays)
			}
			out = append(out, was)
			for _, k := range c.Keys {
				out = append(out, fmt.Sprintf("  %s %s %q %q", k.Change, k.Name, k.Old, k.New))
				for _, l := range k.Lines {
					out = append(out, fmt.Sprintf("    line %d/%d: %q → %q", l.Old, l.New, l.OldText, l.NewText))
				}
			}
		}
	}
	for _, w := range r.Workloads {
		out = append(out, fmt.Sprintf("%s %s %s %d→%d restarted %d", w.Action, w.Kind, w.Name, w.From, w.To, w.Restarted))
	}
	for _, rt := range r.Routes {
		out = append(out, fmt.Sprintf("route %s: %s → %s", rt.Object, route(rt.Old), route(rt.New)))
	}
	return out
}

func side(v string, absent bool) string {
	if absent {
		return "absent"
	}
	return v
}

func route(r *stage.Route) string {
	if r == nil {
		return "none"
	}
	return planfmt.RouteText(*r)
}

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		name, old, next string
		restarts        bool
		want            []string // lines of the one release's diff, in order
	}{
		{
			name: "canary step 1 to step 2 moves replicas and requests, no pod restarts",
			old:  canaryAt1, next: strings.Replace(canaryAt1, "step: 1", "step: 2", 1),
			want: []string{
				"status changed",
				"changed Deployment web-v1", "  spec.replicas: 3 → 2",
				"changed Deployment web-v2", "  spec.replicas: 1 → 2",
				"scale Deployment web-v1 3→2 restarted 0",
				"scale Deployment web-v2 1→2 restarted 0",
				"route Service web: v1 75% · v2 25% → v1 50% · v2 50%",
			},
		},
		{
			name: "a config change replaces the ConfigMap, key by key, and the pods restart on the new name",
			old:  ramped, next: strings.Replace(ramped, "{LOG_LEVEL: info, OLD: x}", `{LOG_LEVEL: debug, NEW: "1"}`, 1),
			restarts: true,
			want: []string{
				"status changed",
				"replaced ConfigMap web-config-f9h6g68db8",
				"  was web-config-66h75h6mkm, for [{stable v1}]",
				`  ~ LOG_LEVEL "info" "debug"`,
				`  + NEW "" "1"`,
				`  - OLD "x" ""`,
				"changed Deployment web",
				"  spec.template.spec.containers[web].envFrom[0].configMapRef.name: web-config-66h75h6mkm → web-config-f9h6g68db8",
				"roll Deployment web 4→4 restarted 4",
			},
		},
		{
			name:     "a config file's lines that change: changed, added, removed, each at its number on its side",
			old:      strings.Replace(ramped, "{LOG_LEVEL: info, OLD: x}", `{"orders.yaml": "listen: :8080\ndatabase: a\npool: 4\nlog: info\ncache: on\n"}`, 1),
			next:     strings.Replace(ramped, "{LOG_LEVEL: info, OLD: x}", `{"orders.yaml": "listen: :8080\ntimeout: 3s\ndatabase: b\npool: 4\ncache: on\n"}`, 1),
			restarts: true,
			want: []string{
				"status changed",
				"replaced ConfigMap web-config-tb96d925m2",
				"  was web-config-88b5kt75ht, for [{stable v1}]",
				`  ~ orders.yaml "listen: :8080\ndatabase: a\npool: 4\nlog: info\ncache: on\n" "listen: :8080\ntimeout: 3s\ndatabase: b\npool: 4\ncache: on\n"`,
				`    line 0/2: "" → "timeout: 3s"`,
				`    line 2/3: "database: a" → "database: b"`,
				`    line 4/0: "log: info" → ""`,
				"changed Deployment web",
				"  spec.template.spec.containers[web].envFrom[0].configMapRef.name: web-config-88b5kt75ht → web-config-tb96d925m2",
				"roll Deployment web 4→4 restarted 4",
			},
		},
		{
			name:     "a candidate's own config gets a ConfigMap of its own, compared with the one it shared",
			old:      strings.Replace(canaryAt1, "stable:", "config: {LOG_LEVEL: info}\nstable:", 1),
			next:     strings.Replace(strings.Replace(canaryAt1, "stable:", "config: {LOG_LEVEL: info}\nstable:", 1), `tag: "2"}`, `tag: "2", config: {LOG_LEVEL: debug}}`, 1),
			restarts: true,
			want: []string{
				"status changed",
				"replaced ConfigMap web-config-47668c6k28",
				"  was web-config-hf678c7m2b, for [{candidate v2}], stays for [{stable v1}]",
				`  ~ LOG_LEVEL "info" "debug"`,
				"changed Deployment web-v2",
				"  spec.template.spec.containers[web].envFrom[0].configMapRef.name: web-config-hf678c7m2b → web-config-47668c6k28",
				"roll Deployment web-v2 1→1 restarted 1",
			},
		},
		{
			name: "a promotion deletes the old Deployment and restarts none",
			old:  strings.Replace(canaryAt1, "step: 1", "step: 3", 1),
			next: base + `stable: {version: v2, tag: "2"}
strategy: {canary: {steps: [25, 50, 100], step: 1}}
`,
			want: []string{
				"status changed",
				"deleted Deployment web-v1",
				"delete Deployment web-v1 0→0 restarted 0",
			},
		},
		{
			name: "a new environment variable restarts the pods",
			old:  ramped, next: strings.Replace(ramped, "runAsUser: 1000", "runAsUser: 1000\nenv: {FEATURE: on}", 1),
			restarts: true,
			want: []string{
				"status changed",
				"changed Deployment web",
				`  spec.template.spec.containers[web].env: absent → [{"name":"FEATURE","value":"on"}]`,
				"roll Deployment web 4→4 restarted 4",
			},
		},
		{
			name:     "an environment variable is named by its name, not its place",
			old:      strings.Replace(ramped, "runAsUser: 1000", "runAsUser: 1000\nenv: {A: x, MODE: fast}", 1),
			next:     strings.Replace(ramped, "runAsUser: 1000", "runAsUser: 1000\nenv: {MODE: slow}", 1),
			restarts: true,
			want: []string{
				"status changed",
				"changed Deployment web",
				"  spec.template.spec.containers[web].env[MODE].value: fast → slow",
				`  spec.template.spec.containers[web].env[A]: {"name":"A","value":"x"} → absent`,
				"roll Deployment web 4→4 restarted 4",
			},
		},
		{
			name: "an Istio step changes the route weights, no pod restarts",
			old:  strings.Replace(canaryAt1, "strategy:", "traffic: istio\nstrategy:", 1),
			next: strings.Replace(strings.Replace(canaryAt1, "strategy:", "traffic: istio\nstrategy:", 1), "step: 1", "step: 2", 1),
			want: []string{
				"status changed",
				"changed VirtualService web",
				"  spec.http[default].route[0].weight: 75 → 50",
				"  spec.http[default].route[1].weight: 25 → 50",
				"route VirtualService web: v1 75% · v2 25% → v1 50% · v2 50%",
			},
		},
		{
			name: "a blue-green flip moves the Services' selectors, no pod moves",
			old: base + `stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {blueGreen: {active: stable, preview: true}}
`,
			next: base + `stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {blueGreen: {active: candidate, preview: true}}
`,
			want: []string{
				"status changed",
				"changed Service web", "  spec.selector.version: v1 → v2",
				"changed Service web-preview", "  spec.selector.version: v2 → v1",
				"route Service web: v1 100% → v2 100%",
				"route Service web-preview: v2 100% → v1 100%",
			},
		},
		{
			name: "a partitioned StatefulSet's next step restarts the pods it replaces, its template unchanged",
			old: base + `workload: StatefulSet
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {partitioned: {steps: [1, 2, 4], step: 1}}
`,
			next: base + `workload: StatefulSet
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {partitioned: {steps: [1, 2, 4], step: 2}}
`,
			restarts: true,
			want: []string{
				"status changed",
				"changed StatefulSet web",
				"  spec.updateStrategy.rollingUpdate.partition: 3 → 2",
				"replace StatefulSet web 4→4 restarted 1",
				"route Service web: v1 75% · v2 25% → v1 50% · v2 50%",
			},
		},
		{
			name: "a release only after is new",
			next: ramped,
			want: []string{
				"status new",
				"created ConfigMap web-config-66h75h6mkm",
				"created Deployment web",
				"created Service web",
				"create Deployment web 0→4 restarted 0",
				"route Service web: none → v1 100%",
			},
		},
		{
			name: "a release only before is removed",
			old:  ramped,
			want: []string{
				"status removed",
				"deleted ConfigMap web-config-66h75h6mkm",
				"deleted Deployment web",
				"deleted Service web",
				"delete Deployment web 4→0 restarted 0",
				"route Service web: v1 100% → none",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := specdiff.Compare(compiled(t, tc.old), compiled(t, tc.next))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Releases) != 1 || d.Unchanged != 0 {
				t.Fatalf("got %d releases that change, %d unchanged; want 1, 0", len(d.Releases), d.Unchanged)
			}
			r := d.Releases[0]
			if got := lines(r); !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if r.Restarts() != tc.restarts {
				t.Errorf("Restarts() = %v, want %v", r.Restarts(), tc.restarts)
			}
		})
	}
}

// TestReplacement finds a strategy switch's workloads: one deleted with
// its pods, another created whose pods replace them.
func TestReplacement(t *testing.T) {
	canary := base + `stable: {version: v1, tag: "1"}
strategy: {canary: {steps: [25, 50, 100]}}
`
	d, err := specdiff.Compare(compiled(t, strings.Replace(ramped, "config: {LOG_LEVEL: info, OLD: x}\n", "", 1)), compiled(t, canary))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Releases) != 1 {
		t.Fatalf("got %d releases that change, want 1", len(d.Releases))
	}
	stop, start := d.Releases[0].Replacement()
	var got []string
	for _, w := range append(stop, start...) {
		got = append(got, fmt.Sprintf("%s %s %s %d→%d", w.Action, w.Kind, w.Name, w.From, w.To))
	}
	if want := []string{"delete Deployment web 4→0", "create Deployment web-v1 0→4"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	d, err = specdiff.Compare(compiled(t, canaryAt1), compiled(t, strings.Replace(canaryAt1, "step: 1", "step: 2", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if stop, start := d.Releases[0].Replacement(); stop != nil || start != nil {
		t.Errorf("a step replaces %v by %v, want nothing", stop, start)
	}
}

// TestCompareUnchanged counts a release whose objects are the same as
// unchanged, and matches releases by namespace and name.
func TestCompareUnchanged(t *testing.T) {
	two := ramped + "---\n" + strings.Replace(ramped, "name: web", "name: api", 1)
	d, err := specdiff.Compare(compiled(t, two), compiled(t, two))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Releases) != 0 || d.Unchanged != 2 {
		t.Errorf("got %d releases that change, %d unchanged; want 0, 2", len(d.Releases), d.Unchanged)
	}
	moved := strings.Replace(two, "name: api", "name: api\nnamespace: other", 1)
	d, err = specdiff.Compare(compiled(t, two), compiled(t, moved))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range d.Releases {
		got = append(got, r.Namespace+"/"+r.Name+" "+r.Status)
	}
	if want := []string{"default/api removed", "other/api new"}; !slices.Equal(got, want) || d.Unchanged != 1 {
		t.Errorf("got %v and %d unchanged, want %v and 1", got, d.Unchanged, want)
	}
}
