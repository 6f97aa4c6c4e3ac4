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
	"github.com/rollspec/rollspec/release"
)

// spec is one spec file moved through its stages in memory.
type spec struct {
	t    *testing.T
	name string
	src  []byte
}

func open(t *testing.T, example string) *spec {
	src, err := os.ReadFile("testdata/" + example + ".yaml")
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
			"step 1, stable v1.4.0, candidate v9", "step 2, stable v1.4.0, candidate v9", "step 0, stable v9, candidate none"}},
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
// is refused naming the strategies that have steps, and promote needs no
// step first.
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
	s.must(promote(false))
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
