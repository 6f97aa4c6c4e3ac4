package podcheck

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestEnvRefs: references as Kubernetes' expansion reads them.
func TestEnvRefs(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  []string
	}{
		{"plain", nil},
		{"$(A)", []string{"A"}},
		{"postgres://u:$(DB_PASSWORD)@$(DB_HOST)/x", []string{"DB_PASSWORD", "DB_HOST"}},
		{"$$(A)", nil},                 // escaped: a literal $(A)
		{"$$$(A)", []string{"A"}},      // a literal $, then a reference
		{"$(A", nil},                   // unclosed: literal
		{"$A $ ( $(B)", []string{"B"}}, // $ without ( is literal
		{"cost: 5$", nil},
	} {
		t.Run(tc.value, func(t *testing.T) {
			if got := envRefs(tc.value); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("envRefs(%q) = %q, want %q", tc.value, got, tc.want)
			}
		})
	}
}

// TestOrderEnv: every referenced entry comes before the entries that
// reference it, the rest in their own order; without references the
// list is the one given.
func TestOrderEnv(t *testing.T) {
	// env is "NAME=value,…"; a value "<from>" is a valueFrom entry.
	env := func(s string) []corev1.EnvVar {
		var out []corev1.EnvVar
		for e := range strings.SplitSeq(s, ",") {
			name, value, _ := strings.Cut(e, "=")
			v := corev1.EnvVar{Name: name, Value: value}
			if value == "<from>" {
				v = corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{Key: "k"}}}
			}
			out = append(out, v)
		}
		return out
	}
	names := func(l []corev1.EnvVar) string {
		var n []string
		for _, e := range l {
			n = append(n, e.Name)
		}
		return strings.Join(n, ",")
	}
	for _, tc := range []struct {
		name, env  string
		fromSource bool
		want       string // names in order
	}{
		{name: "no references", env: "B=1,A=2,C=3", want: "B,A,C"},
		{name: "escaped is no reference", env: "A=$$(B),B=1", want: "A,B"},
		{name: "unknown names are no references", env: "A=$(HOME),B=1", want: "A,B"},
		{name: "the issue's database URL", env: "DATABASE_URL=postgres://u:$(DB_PASSWORD)@$(DB_HOST)/x,DB_HOST=db,DB_PASSWORD=<from>", want: "DB_HOST,DB_PASSWORD,DATABASE_URL"},
		{name: "a chain", env: "A=$(B),B=$(C),C=1,D=2", want: "C,B,A,D"},
		{name: "stable: the others keep their places", env: "A=1,B=$(D),C=2,D=3,E=4", want: "A,C,D,B,E"},
		{name: "own name read from envFrom", env: "PATH=$(PATH):/x,A=1", fromSource: true, want: "PATH,A"},
		{name: "a cycle keeps its order, last", env: "A=$(B),B=$(A),C=1", want: "C,A,B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := env(tc.env)
			got := OrderEnv(in, tc.fromSource)
			if names(got) != tc.want {
				t.Errorf("OrderEnv(%s) = %s, want %s", tc.env, names(got), tc.want)
			}
			if envDeps(in, tc.fromSource) == nil && &got[0] != &in[0] {
				t.Error("without references, OrderEnv copied the list")
			}
		})
	}
}
