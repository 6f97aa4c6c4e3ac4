package lifecycle_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/lifecycle"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specedit"
	"github.com/rollspec/rollspec/internal/specpath"
	versions "github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/release"
)

// spec is one spec file moved through its stages in memory.
type spec struct {
	t    *testing.T
	name string
	src  []byte
}

// open reads the spec of examples/<example>: the examples as users see
// them, not copies that would drift.
func open(t *testing.T, example string) *spec {
	src, err := os.ReadFile("../../examples/" + example + "/release.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return &spec{t: t, name: example + ".yaml", src: src}
}

// load is the file's one release.
func (s *spec) load() *load.Spec {
	s.t.Helper()
	specs, err := (&load.Loader{}).LoadBytes(s.name, s.src).Releases(nil)
	if err != nil || len(specs) != 1 {
		s.t.Fatalf("%s: %v (%d releases)\n%s", s.name, err, len(specs), s.src)
	}
	return specs[0]
}

// do plans a move on the release and applies it; the error is the
// plan's or the edit's, the source unchanged then.
func (s *spec) do(move func(*load.Spec) (*lifecycle.Plan, error)) error {
	s.t.Helper()
	l := s.load()
	plan, err := move(l)
	if err != nil {
		return err
	}
	res, err := lifecycle.Edit(&load.Loader{}, specpath.Unit{Files: []string{s.name}}, [][]byte{s.src}, l, plan)
	if err != nil {
		return err
	}
	if len(res.Files) != 1 || len(res.Specs) != 1 {
		s.t.Fatalf("edit changed %d files, reloaded %d releases", len(res.Files), len(res.Specs))
	}
	s.src = res.Files[0].Src
	return nil
}

// must is do, failing on an error.
func (s *spec) must(move func(*load.Spec) (*lifecycle.Plan, error)) {
	s.t.Helper()
	if err := s.do(move); err != nil {
		s.t.Fatalf("%s: %v", s.name, errText(err))
	}
}

// refused is do, wanting an error containing want, the source unchanged.
func (s *spec) refused(move func(*load.Spec) (*lifecycle.Plan, error), want string) {
	s.t.Helper()
	before := string(s.src)
	err := s.do(move)
	if err == nil || !strings.Contains(errText(err), want) {
		s.t.Fatalf("error %v, want one containing %q", err, want)
	}
	if string(s.src) != before {
		s.t.Fatal("the source changed on an error")
	}
}

func errText(err error) string {
	var d *diag.Diagnostic
	if errors.As(err, &d) {
		return d.Pos.String() + ": " + d.Error()
	}
	return err.Error()
}

// templates are the pod templates of the compiled workloads, by name.
func (s *spec) templates() map[string]corev1.PodTemplateSpec {
	s.t.Helper()
	rs, err := compile.Specs([]*load.Spec{s.load()})
	if err != nil {
		s.t.Fatal(err)
	}
	m := map[string]corev1.PodTemplateSpec{}
	for _, o := range rs[0].Result.Objects {
		switch w := o.(type) {
		case *appsv1.Deployment:
			m[w.Name] = w.Spec.Template
		case *appsv1.StatefulSet:
			m[w.Name] = w.Spec.Template
		}
	}
	return m
}

func step(to int) func(*load.Spec) (*lifecycle.Plan, error) {
	return func(s *load.Spec) (*lifecycle.Plan, error) { return lifecycle.Step(s, to) }
}

func start(n lifecycle.New) func(*load.Spec) (*lifecycle.Plan, error) {
	return func(s *load.Spec) (*lifecycle.Plan, error) { return lifecycle.Start(s, n) }
}

func promote(force bool) func(*load.Spec) (*lifecycle.Plan, error) {
	return func(s *load.Spec) (*lifecycle.Plan, error) { return lifecycle.Promote(s, force) }
}

// stage is where a release stands: its step (or active version) and its
// candidate's version.
func stage(r *release.Release) string {
	at := ""
	switch {
	case r.Strategy.Canary != nil:
		at = "step " + itoa(r.Strategy.Canary.Step)
	case r.Strategy.Partitioned != nil:
		at = "step " + itoa(r.Strategy.Partitioned.Step)
		if r.Strategy.Partitioned.RoutesBehind() {
			at += " (pods; routes waiting)"
		}
	case r.Strategy.BlueGreen != nil:
		at = "active " + r.Strategy.BlueGreen.Active
	}
	cand := "none"
	if r.Candidate != nil {
		cand = r.Candidate.Version
	}
	return at + ", stable " + r.Stable.Version + ", candidate " + cand
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestLifecycle takes each example through rollback of its candidate,
// start, every step, promote (the promoted pods' template unchanged), and
// start then rollback, which leaves the spec as promote left it.
func TestLifecycle(t *testing.T) {
	for _, tc := range []struct {
		example string
		image   string
		stages  []string // after rollback, start, each step, promote
	}{
		{example: "kubia-canary", stages: []string{
			"step 1, stable v1, candidate none", "step 1, stable v1, candidate v9",
			"step 2, stable v1, candidate v9", "step 3, stable v1, candidate v9", "step 1, stable v9, candidate none"}},
		{example: "orders-production", stages: []string{
			"step 0, stable v1.4.0, candidate none", "step 0, stable v1.4.0, candidate v9",
			"step 1, stable v1.4.0, candidate v9", "step 2, stable v1.4.0, candidate v9", "step 3, stable v1.4.0, candidate v9",
			"step 0, stable v9, candidate none"}},
		{example: "act-bluegreen", image: "nginx", stages: []string{
			"active stable, stable 1.0, candidate none", "active stable, stable 1.0, candidate v9",
			"active candidate, stable 1.0, candidate v9", "active stable, stable v9, candidate none"}},
		{example: "ledger-istio", stages: []string{
			"step 0, stable v1.4.0, candidate none", "step 0, stable v1.4.0, candidate v9",
			// Behind Istio, each step moves the pods, then the routes.
			"step 1 (pods; routes waiting), stable v1.4.0, candidate v9", "step 1, stable v1.4.0, candidate v9",
			"step 2 (pods; routes waiting), stable v1.4.0, candidate v9", "step 2, stable v1.4.0, candidate v9", "step 0, stable v9, candidate none"}},
	} {
		t.Run(tc.example, func(t *testing.T) {
			s := open(t, tc.example)
			var got []string
			at := func() { got = append(got, stage(s.load().Release)) }
			s.must(lifecycle.Rollback)
			at()
			s.refused(step(-1), "no candidate to step to")
			s.must(start(lifecycle.New{Version: "v9", Tag: "9.0", Image: tc.image, Env: []specedit.Entry{{Key: "MODE", Value: "fast"}}}))
			at()
			s.refused(start(lifecycle.New{Version: "v10", Tag: "10"}), "a release is in progress: candidate v9")
			s.refused(promote(false), "promoting now")
			for {
				if err := s.do(step(-1)); err != nil {
					if r := s.load().Release; r.Strategy.BlueGreen == nil && !strings.Contains(errText(err), "at the last step") {
						t.Fatal(errText(err))
					}
					break
				}
				at()
				if s.load().Release.Strategy.BlueGreen != nil {
					break
				}
			}
			s.refused(step(99), "")
			before := s.templates()
			cand := s.load().Release.Name + "-" + release.Slug("v9")
			if s.load().Release.WorkloadKind() == release.WorkloadStatefulSet {
				cand = s.load().Release.Name
			}
			s.must(promote(false))
			at()
			after := s.templates()
			if _, ok := before[cand]; !ok {
				t.Fatalf("no workload %s before promotion: %v", cand, keys(before))
			}
			was, now := marshal(t, before[cand]), marshal(t, after[cand])
			if !bytes.Equal(was, now) {
				t.Errorf("promotion changed the pod template of %s:\nbefore %s\nafter  %s", cand, was, now)
			}
			if len(after) != 1 {
				t.Errorf("after promotion, workloads %v, want %s alone", keys(after), cand)
			}
			if strings.Join(got, "\n") != strings.Join(tc.stages, "\n") {
				t.Errorf("stages:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.stages, "\n"))
			}
			promoted := string(s.src)
			s.must(start(lifecycle.New{Version: "v10", Tag: "10", Image: tc.image}))
			// The candidate carries what promote moved to stable (MODE).
			rs, err := compile.Specs([]*load.Spec{s.load()})
			if err != nil {
				t.Fatal(err)
			}
			if apart := versions.VersionsApart(rs[0].Spec.Release, rs[0].Result.Objects); apart != nil {
				t.Errorf("start after a promotion: %s's pod template differs from %s's beyond the image: %s", apart.Candidate, apart.Stable, apart.Differs)
			}
			s.must(lifecycle.Rollback)
			if string(s.src) != promoted {
				t.Errorf("start then rollback left\n%s\nwant\n%s", s.src, promoted)
			}
		})
	}
}

func keys[V any](m map[string]V) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

// TestRamped: start replaces stable in place; there is nothing to step,
// promote or roll back.
func TestRamped(t *testing.T) {
	s := open(t, "vweb-ramped")
	original := string(s.src)
	s.must(start(lifecycle.New{Version: "v9", Digest: "sha256:" + strings.Repeat("ab", 32)}))
	r := s.load().Release
	if r.Candidate != nil || r.Stable.Version != "v9" || r.Stable.Tag != "" || r.Stable.Digest == "" {
		t.Fatalf("stable %+v, candidate %v", r.Stable, r.Candidate)
	}
	s.refused(step(-1), "ramped has no steps (allowed: a strategy with steps: canary, partitioned, blueGreen)")
	s.refused(promote(true), "no candidate to promote")
	s.refused(lifecycle.Rollback, "ramped keeps no candidate to roll back")
	// Only the version's lines changed.
	if a, b := strings.Count(original, "\n"), strings.Count(string(s.src), "\n"); a != b {
		t.Errorf("lines %d → %d:\n%s", a, b, s.src)
	}
}

// TestWithoutSteps: an A/B test only gains and loses its candidate; step
// is refused naming the strategies that have steps, and promote needs
// --force, as no step ever sends the candidate every request.
func TestWithoutSteps(t *testing.T) {
	s := open(t, "act-abtest")
	original := string(s.src)
	s.must(lifecycle.Rollback)
	if strings.Contains(string(s.src), "candidate:") {
		t.Fatalf("candidate left:\n%s", s.src)
	}
	s.refused(step(-1), "abTest has no steps (allowed: a strategy with steps: canary, partitioned, blueGreen)")
	s.must(start(lifecycle.New{Version: "v2", Tag: "v2"}))
	if string(s.src) != original {
		t.Errorf("rollback then start of the same version:\n%s\nwant\n%s", s.src, original)
	}
	s.refused(step(-1), "abTest has no steps")
	s.refused(promote(false), "the candidate has served only the requests its match selects")
	s.must(promote(true))
	if r := s.load().Release; r.Candidate != nil || r.Stable.Version != "v2" {
		t.Errorf("after promote: stable %s, candidate %v", r.Stable.Version, r.Candidate)
	}
}

// marshal is a pod template's bytes as it is applied.
func marshal(t *testing.T, p corev1.PodTemplateSpec) []byte {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRefused: a move that would change what production runs unasked is
// refused, saying why, and nothing is edited; promote --force goes ahead
// where promote alone is refused.
func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		example string
		edit    func(src string) string // the example changed first, or nil
		move    func(*load.Spec) (*lifecycle.Plan, error)
		want    string
	}{
		{name: "promote shadow", example: "shadow", move: promote(false),
			want: "shadow.yaml:23:3: strategy.shadow: the candidate has served only the mirrored requests, whose answers are discarded: promoting now sends every request to it at once (allowed: --force)"},
		{name: "promote abTest", example: "act-abtest", move: promote(false),
			want: "act-abtest.yaml:18:3: strategy.abTest: the candidate has served only the requests its match selects: promoting now sends every request to it at once (allowed: --force)"},
		{name: "promote canary before its last step", example: "kubia-canary", move: promote(false),
			want: "strategy.canary.step: the candidate is at step 1 of 3"},
		{name: "promote blue-green with stable active", example: "act-bluegreen", move: promote(false),
			want: "strategy.blueGreen.active: the candidate is not active"},
		{name: "step blue-green with the candidate active", example: "act-bluegreen", move: step(-1),
			edit: func(src string) string { return strings.Replace(src, "active: stable", "active: candidate", 1) },
			want: "act-bluegreen.yaml:23:5: strategy.blueGreen.active: the candidate is active: run rollspec promote, or rollspec rollback to return to stable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, tc.example)
			if tc.edit != nil {
				s.src = []byte(tc.edit(string(s.src)))
			}
			s.refused(tc.move, tc.want)
			if strings.HasPrefix(tc.name, "promote") {
				s.must(promote(true))
			}
		})
	}
}

// TestPromoteOnDelete: promoting an onDelete update changes no pod, so it
// is not refused; a note says the pods not deleted yet keep stable.
func TestPromoteOnDelete(t *testing.T) {
	s := open(t, "ledger-istio")
	s.src = []byte(strings.Replace(string(s.src), "  partitioned:\n    steps: [1, 3]\n    step: 1\n", "  onDelete: {}\n", 1))
	s.src = []byte(strings.Replace(string(s.src), "traffic: istio\n", "", 1))
	plan, err := lifecycle.Promote(s.load(), false)
	if err != nil {
		t.Fatal(errText(err))
	}
	if want := "onDelete: the pods not deleted yet still run v1.4.0 until they are; promoting changes no pod (delete them to move them to v1.5.0)"; strings.Join(plan.Notes, "\n") != want {
		t.Errorf("notes %q, want %q", plan.Notes, want)
	}
}

// TestPromoteOnDeleteConfig: while onDelete's pods not deleted yet mount
// stable's config, promoting (which stops compiling its ConfigMap) is
// refused unless --force says those pods are gone; with the same config
// in both versions, or none, nothing is refused.
func TestPromoteOnDeleteConfig(t *testing.T) {
	for _, tc := range []struct {
		name, config, candidate string
		want                    string // "" for accepted
	}{
		{name: "candidate's own config", config: "config: {LEVEL: info}\n", candidate: "config: {LEVEL: debug}, ",
			want: "strategy.onDelete: onDelete: the pods not deleted yet still run v1.4.0 and mount its config, whose ConfigMap the promoted spec no longer compiles"},
		{name: "shared config", config: "config: {LEVEL: info}\n"},
		{name: "no config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, "ledger-istio")
			src := strings.Replace(string(s.src), "  partitioned:\n    steps: [1, 3]\n    step: 1\n", "  onDelete: {}\n", 1)
			src = strings.Replace(src, "traffic: istio\n", tc.config, 1)
			s.src = []byte(strings.Replace(src, "candidate: {", "candidate: {"+tc.candidate, 1))
			if tc.want == "" {
				s.must(promote(false))
				return
			}
			s.refused(promote(false), tc.want)
			s.must(promote(true))
		})
	}
}

// TestChangeCause: start sets, adds or removes changeCause as asked, and
// without --change-cause keeps it with a note; rollback keeps it with a
// note too (the text before start is not known).
func TestChangeCause(t *testing.T) {
	cause := func(s string) *string { return &s }
	for _, tc := range []struct {
		name    string
		example string
		cause   *string
		want    string // the changeCause line after start, "" for none
		changes []string
		notes   []string
	}{
		{name: "kept with a note", example: "kubia-canary", want: `changeCause: "kubia v2 canary"`,
			changes: []string{"candidate: added v9 (tag 9)"},
			notes:   []string{`changeCause: still reads "kubia v2 canary", which kubectl rollout history will show for v9: edit it in the spec (rollspec start --change-cause TEXT sets it)`}},
		{name: "replaced", example: "kubia-canary", cause: cause("kubia v9: faster"), want: `changeCause: "kubia v9: faster"`,
			changes: []string{"candidate: added v9 (tag 9)", `changeCause: "kubia v2 canary" → "kubia v9: faster"`}},
		{name: "removed", example: "kubia-canary", cause: cause(""),
			changes: []string{"candidate: added v9 (tag 9)", `changeCause: removed: "kubia v2 canary"`}},
		{name: "added after the candidate", example: "act-abtest", cause: cause("act v9"), want: "  tag: \"9\"\nchangeCause: \"act v9\"\nstrategy:",
			changes: []string{"candidate: added v9 (tag 9)", `changeCause: added "act v9"`}},
		{name: "none, no note", example: "act-abtest", changes: []string{"candidate: added v9 (tag 9)"}},
		{name: "in place", example: "vweb-ramped", cause: cause("vweb v9"), want: `changeCause: "vweb v9"`,
			changes: []string{"stable.version: v2 → v9", "stable.tag: v2 → 9", `changeCause: "vweb v2: new landing page" → "vweb v9"`},
			notes:   []string{"ramped replaces the pods in place and takes no candidate: stable becomes v9"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, tc.example)
			if s.load().Release.Candidate != nil {
				s.must(lifecycle.Rollback)
			}
			var plan *lifecycle.Plan
			s.must(func(l *load.Spec) (*lifecycle.Plan, error) {
				var err error
				plan, err = lifecycle.Start(l, lifecycle.New{Version: "v9", Tag: "9", ChangeCause: tc.cause})
				return plan, err
			})
			var changes []string
			for _, c := range plan.Changes {
				changes = append(changes, c.String())
			}
			if strings.Join(changes, "\n") != strings.Join(tc.changes, "\n") {
				t.Errorf("changes:\n%s\nwant\n%s", strings.Join(changes, "\n"), strings.Join(tc.changes, "\n"))
			}
			if strings.Join(plan.Notes, "\n") != strings.Join(tc.notes, "\n") {
				t.Errorf("notes:\n%s\nwant\n%s", strings.Join(plan.Notes, "\n"), strings.Join(tc.notes, "\n"))
			}
			switch {
			case tc.want == "" && strings.Contains(string(s.src), "changeCause"):
				t.Errorf("changeCause left:\n%s", s.src)
			case !strings.Contains(string(s.src), tc.want):
				t.Errorf("no %q in\n%s", tc.want, s.src)
			}
		})
	}
	s := open(t, "kubia-canary")
	plan, err := lifecycle.Rollback(s.load())
	if want := `changeCause: still reads "kubia v2 canary", which now annotates stable's workload: edit it in the spec if it describes the candidate rolled back`; err != nil || strings.Join(plan.Notes, "\n") != want {
		t.Errorf("rollback: notes %q (%v), want %q", plan.Notes, err, want)
	}
}

// TestWhere: each change is reported at the file it edits, in words that
// say what happened there: promoting a release whose stable and candidate
// are written in two files of a CUE package removes stable in one and
// renames the candidate in the other.
func TestWhere(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string // a.cue, b.cue
		want  []string // file: change
	}{
		{name: "stable and candidate apart",
			files: []string{
				"package web\n\nreleases: web: stable: {version: \"v1\", tag: \"1\"}\n",
				"package web\n\nreleases: web: {\n\timage: \"nginx\"\n\treplicas: 2\n\trunAsUser: 1000\n\tports: [{name: \"http\", containerPort: 8080}]\n\tcandidate: {version: \"v2\", tag: \"2\"}\n\tstrategy: canary: {steps: [50, 100], step: 2}\n}\n"},
			want: []string{"a.cue: stable: removed: v1 (tag 1)", "b.cue: candidate → stable: v2 (tag 2), with its overrides", "b.cue: strategy.canary.step: 2 → 1"}},
		{name: "stable and candidate together",
			files: []string{
				"package web\n\nreleases: web: stable: {version: \"v1\", tag: \"1\"}\nreleases: web: candidate: {version: \"v2\", tag: \"2\"}\n",
				"package web\n\nreleases: web: {\n\timage: \"nginx\"\n\treplicas: 2\n\trunAsUser: 1000\n\tports: [{name: \"http\", containerPort: 8080}]\n\tstrategy: canary: {steps: [50, 100], step: 2}\n}\n"},
			want: []string{"a.cue: stable: removed: v1 (tag 1)", "a.cue: candidate → stable: v2 (tag 2), with its overrides", "b.cue: strategy.canary.step: 2 → 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			unit := specpath.Unit{Files: []string{"a.cue", "b.cue"}, CUE: true}
			srcs := [][]byte{[]byte(tc.files[0]), []byte(tc.files[1])}
			l := &load.Loader{}
			specs, err := l.LoadUnit(unit, srcs).Releases(nil)
			if err != nil || len(specs) != 1 {
				t.Fatalf("%v (%d releases)", err, len(specs))
			}
			plan, err := lifecycle.Promote(specs[0], false)
			if err != nil {
				t.Fatal(errText(err))
			}
			res, err := lifecycle.Edit(l, unit, srcs, specs[0], plan)
			if err != nil {
				t.Fatal(errText(err))
			}
			var got []string
			for i, c := range plan.Changes {
				got = append(got, res.Where[i]+": "+c.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
