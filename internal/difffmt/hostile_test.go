package difffmt_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/difffmt"
	"github.com/rollspec/rollspec/internal/specdiff"
	"github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/internal/testmd"
	spec "github.com/rollspec/rollspec/release"
)

// hostile is markup, links, a mention, HTML and terminal control
// sequences; "EVIL" marks its words.
const hostile = "a```b`\r# EVIL\n| EVIL |\x1b]0;EVIL\x07\x1b[31m\u202e\x1f\x1e <img src=x onerror=alert(1)> [EVIL](http://evil) ![EVIL](http://evil/i.png) www.evil.example @octocat *EVIL* _EVIL_ ~~EVIL~~ \\"

// poison prefixes every string v holds — fields, list entries, map keys
// and values, behind pointers — with hostile, but the fields that say
// how something changes (Change, Status, Action), which choose the
// wording.
func poison(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			poison(v.Elem())
		}
	case reflect.String:
		v.SetString(hostile + v.String())
	case reflect.Slice:
		for i := range v.Len() {
			poison(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			switch v.Type().Field(i).Name {
			case "Change", "Status", "Action":
				continue
			}
			poison(v.Field(i))
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for _, k := range v.MapKeys() {
			k2, e := reflect.New(k.Type()).Elem(), reflect.New(v.Type().Elem()).Elem()
			k2.Set(k)
			e.Set(v.MapIndex(k))
			poison(k2)
			poison(e)
			m.SetMapIndex(k2, e)
		}
		v.Set(m)
	}
}

// TestWriteHostile: with every name and value hostile, the text holds no
// control character and the Markdown, rendered, no HTML, link, image,
// mention or emphasis from a value, one heading per release.
func TestWriteHostile(t *testing.T) {
	exact := "beta"
	ro := &stage.Rollout{Workload: "web", Kind: "Deployment", Strategy: "RollingUpdate", MaxSurge: "25%", MaxUnavailable: "0", Replicas: 4, Peak: 5, Floor: 4}
	d := &specdiff.Diff{Releases: []*specdiff.Release{{
		Namespace: "shop", Name: "web", Status: specdiff.StatusChanged,
		Objects: []specdiff.Object{
			{Kind: "Deployment", Name: "web", Change: specdiff.Changed, Fields: []specdiff.Field{{Path: "spec.x", Old: "1", New: "2"}, {Path: "spec.y", OldAbsent: true, New: "3"}}},
			{Kind: "Service", Name: "web", Change: specdiff.Created},
			{Kind: "ConfigMap", Name: "web-config-b", Was: "web-config-a", Change: specdiff.Replaced, Config: &specdiff.Config{
				New: []specdiff.Served{{Role: "candidate", Version: "v2"}}, Stays: []specdiff.Served{{Role: "stable", Version: "v1"}},
				Keys: []specdiff.Key{
					{Name: "A", Change: specdiff.KeyChanged, Old: "x", New: "y"},
					{Name: "B", Change: specdiff.KeyAdded, New: "z\nz"},
					{Name: "C", Change: specdiff.KeyRemoved, Old: "w"},
					{Name: "f.yaml", Change: specdiff.KeyChanged, Lines: []specdiff.Line{{New: 1, NewText: "a"}, {Old: 1, OldText: "b"}, {Old: 2, New: 2, OldText: "c", NewText: "d"}, {Old: 3, New: 4, OldText: "e", NewText: "f"}, {Old: 5, New: 6, OldText: "g", NewText: "h"}}},
				},
			}},
		},
		Workloads: []specdiff.Workload{
			{Kind: "Deployment", Name: "web-v1", Action: stage.ActScale, From: 3, To: 2},
			{Kind: "Deployment", Name: "web-v3", Action: stage.ActCreate, To: 1},
			{Kind: "Deployment", Name: "web-v0", Action: stage.ActDelete, From: 1},
			{Kind: "StatefulSet", Name: "db", Action: stage.ActReplace, From: 3, To: 3, Restarted: 1, Replaced: []string{"db-2"}},
			{Kind: "DaemonSet", Name: "proxy", Action: stage.ActRoll, PerNode: true, Rollout: &stage.Rollout{Strategy: "RollingUpdate", PerNode: true, MaxSurge: "0", MaxUnavailable: "1"}},
			{Kind: "Deployment", Name: "web", Action: stage.ActRoll, From: 4, To: 4, Restarted: 4, Rollout: ro},
		},
		Routes: []specdiff.Route{{Object: "VirtualService web",
			Old: &stage.Route{Shares: []stage.Share{{Version: "v1", Percent: 100}}},
			New: &stage.Route{Shares: []stage.Share{{Version: "v1", Percent: 100}}, MatchVersion: "v2", Match: []spec.Match{{
				Headers: map[string]spec.StringMatch{"x-user": {Exact: &exact}}, Cookie: &spec.Cookie{Name: "c", Value: "v"},
			}}, Mirror: &stage.Share{Version: "v2", Percent: 5}},
		}},
	}}}
	poison(reflect.ValueOf(d))
	t.Run("text", func(t *testing.T) {
		var b bytes.Buffer
		if err := difffmt.Write(&b, "text", d); err != nil {
			t.Fatal(err)
		}
		for _, r := range b.String() {
			if r < 0x20 && r != '\n' || r >= 0x7f && r < 0xa0 || r == 0x202e {
				t.Fatalf("a control character %U in\n%s", r, b.String())
			}
		}
		if !strings.Contains(b.String(), `a`+"```"+`b`+"`"+`\r# EVIL\n| EVIL |\x1b]0;EVIL\a\x1b[31m\u202e\x1f\x1e <img`) {
			t.Errorf("the values are not shown, escaped:\n%s", b.String())
		}
	})
	t.Run("markdown", func(t *testing.T) {
		var b bytes.Buffer
		if err := difffmt.Write(&b, "markdown", d); err != nil {
			t.Fatal(err)
		}
		r := testmd.Render(b.Bytes())
		for _, a := range r.Active {
			t.Errorf("from a value: %q", a)
		}
		for _, s := range append(r.Emphasis, r.Headings...) {
			if strings.Contains(s, "EVIL") {
				t.Errorf("a value's emphasis or heading: %q", s)
			}
		}
		if len(r.Headings) != 1 {
			t.Errorf("headings %q, want the release's", r.Headings)
		}
		if t.Failed() {
			t.Logf("the Markdown:\n%s", b.String())
		}
	})
}
