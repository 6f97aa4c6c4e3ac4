package lifecycle_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/lifecycle"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/release"
)

// TestRestore: rollback --to's plan makes stable the revision's, field by
// field, and refuses what it cannot or need not do, the source unchanged.
func TestRestore(t *testing.T) {
	const stable = "stable:\n  version: \"v2\"\n  tag: \"v2\"\n"
	for _, c := range []struct {
		name string
		// now and then replace stable's block of examples/vweb-ramped in
		// the spec edited and in the spec at the revision ("" keeps it).
		now, then string
		want      string // the error; "" for success
	}{
		{name: "tag back", then: "stable:\n  version: v1\n  tag: v1\n"},
		{name: "digest and image removed, tag back",
			now:  "stable:\n  version: v3\n  digest: sha256:" + strings.Repeat("ab", 32) + "\n  image: example.com/vweb\n",
			then: "stable:\n  version: v1\n  tag: v1\n"},
		{name: "env and config set, added and removed",
			now:  "stable:\n  version: v3\n  tag: v3\n  env:\n    A: \"1\"\n    B: \"2\"\n  config:\n    x.conf: new\n",
			then: "stable:\n  version: v1\n  tag: v1\n  env:\n    A: \"0\"\n    C: \"3\"\n"},
		{name: "env replaced entirely",
			now:  "stable:\n  version: v3\n  tag: v3\n  env:\n    B: \"2\"\n    D: \"4\"\n",
			then: "stable:\n  version: v1\n  tag: v1\n  env:\n    A: \"0\"\n    C: \"3\"\n    E: \"5\"\n"},
		{name: "env and config added whole",
			then: "stable:\n  version: v1\n  tag: v1\n  env:\n    A: \"0\"\n    C: \"3\"\n  config:\n    a.conf: x=1\n"},
		{name: "env only", now: stable + "  env:\n    A: \"1\"\n", then: stable + "  env:\n    A: \"0\"\n"},
		{name: "container removed", now: "stable:\n  version: v3\n  tag: v3\n  container:\n    args: [--fast]\n", then: "stable:\n  version: v1\n  tag: v1\n"},
		{name: "same container", now: "stable:\n  version: v3\n  tag: v3\n  container: {args: [--fast]}\n", then: "stable:\n  version: v1\n  tag: v1\n  container:\n    args: [\"--fast\"]\n"},
		{name: "container differs", now: "stable:\n  version: v3\n  tag: v3\n  container:\n    args: [--fast]\n", then: "stable:\n  version: v1\n  tag: v1\n  container:\n    args: [--slow]\n",
			want: "stable.container: stable's container at REV differs from the one written now"},
		{name: "nothing to do", then: stable, want: "stable: stable at REV is v2 (tag v2), as it is now: nothing to roll back"},
		{name: "not at REV", then: "-", want: "stable: REV does not hold release default/vweb"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := open(t, "vweb-ramped")
			if !strings.Contains(string(s.src), stable) {
				t.Fatalf("examples/vweb-ramped no longer writes %q", stable)
			}
			if c.now != "" {
				s.src = []byte(strings.Replace(string(s.src), stable, c.now, 1))
			}
			var at *release.Release
			if c.then != "-" {
				rev := open(t, "vweb-ramped")
				rev.src = []byte(strings.Replace(string(rev.src), stable, c.then, 1))
				at = rev.load().Release
			}
			restore := func(l *load.Spec) (*lifecycle.Plan, error) { return lifecycle.Restore(l, at, "REV") }
			if c.want != "" {
				s.refused(restore, c.want)
				return
			}
			s.must(restore)
			got := s.load().Release
			if !reflect.DeepEqual(got.Stable, at.Stable) {
				t.Errorf("stable %+v, want %+v\n%s", got.Stable, at.Stable, s.src)
			}
			if got.Replicas != at.Replicas {
				t.Errorf("replicas %d, want %d", got.Replicas, at.Replicas)
			}
		})
	}
	// A release in progress: rollback without --to removes its candidate.
	s := open(t, "act-abtest")
	at := s.load().Release
	s.refused(func(l *load.Spec) (*lifecycle.Plan, error) { return lifecycle.Restore(l, at, "REV") },
		"candidate: --to restores stable when no release is in progress, but candidate v2 (tag v2) is (allowed: rollspec rollback without --to removes the candidate)")
}
