package specedit

import (
	"strings"
	"testing"

	"cuelang.org/go/cue/token"
)

// op is one edit a test makes.
type op func(r *Release) error

func set(path string, v any) op {
	return func(r *Release) error { return r.Set(strings.Split(path, "."), v) }
}

func insert(path string, v any, after string) op {
	return func(r *Release) error { return r.Insert(strings.Split(path, "."), v, after) }
}

func del(path string) op {
	return func(r *Release) error { return r.Delete(strings.Split(path, ".")) }
}

func rename(path, name string) op {
	return func(r *Release) error { return r.Rename(strings.Split(path, "."), name) }
}

var candidate = Map{{"version", "v2"}, {"tag", "2"}}

type file struct{ name, src, want string }

func TestEdit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   []file
		release string
		ops     []op
		err     string // the error wanted, "" for none
	}{
		{
			name: "yaml set a scalar keeps its comment",
			files: []file{{"r.yaml", "# web\nname: web\nstrategy:\n  canary:\n    steps: [10, 100]\n    step: 1 # first\n",
				"# web\nname: web\nstrategy:\n  canary:\n    steps: [10, 100]\n    step: 2 # first\n"}},
			ops: []op{set("strategy.canary.step", 2)},
		},
		{
			name: "yaml insert a block after its sibling, quoted like it",
			files: []file{{"r.yaml", "name: web\nstable:\n  version: \"v1\"   # serving\n  tag: \"1\"\n\n# how\nstrategy:\n  blueGreen: {}\n",
				"name: web\nstable:\n  version: \"v1\"   # serving\n  tag: \"1\"\ncandidate:\n  version: \"v2\"\n  tag: \"2\"\n\n# how\nstrategy:\n  blueGreen: {active: candidate}\n"}},
			ops: []op{insert("candidate", candidate, "stable"), set("strategy.blueGreen.active", "candidate")},
		},
		{
			name: "yaml four-space indentation, plain like stable",
			files: []file{{"r.yaml", "name: web\nstable:\n    version: v1\n    tag: one\nreplicas: 2\n",
				"name: web\nstable:\n    version: v1\n    tag: one\ncandidate:\n    version: v2\n    tag: \"2\"\n    env:\n        MODE: fast\nreplicas: 2\n"}},
			ops: []op{insert("candidate", Map{{"version", "v2"}, {"tag", "2"}, {"env", Map{{"MODE", "fast"}}}}, "stable")},
		},
		{
			name: "yaml promote: delete stable with its comment, rename candidate",
			files: []file{{"r.yaml", "name: web\n# the old one\nstable:\n  version: v1\n  env:\n    A: b\n\n# the new one\ncandidate: # v2\n  version: v2\n\nstrategy:\n  canary:\n    steps: [50, 100]\n    step: 2\n",
				"name: web\n\n# the new one\nstable: # v2\n  version: v2\n\nstrategy:\n  canary:\n    steps: [50, 100]\n    step: 1\n"}},
			ops: []op{del("stable"), rename("candidate", "stable"), set("strategy.canary.step", 1)},
		},
		{
			name: "yaml flow values in a block mapping",
			files: []file{{"r.yaml", "name: web\nstable: {version: \"v1\", tag: \"1\"}\ncandidate: {version: \"v2\", tag: \"2\"}\nstrategy: {canary: {steps: [50, 100]}}\n",
				"name: web\nstable: {version: \"v1\", tag: \"1\"}\nstrategy: {canary: {steps: [50, 100], step: 1}}\n"}},
			ops: []op{del("candidate"), set("strategy.canary.step", 1)},
		},
		{
			name: "yaml all flow on one line",
			files: []file{{"r.yaml", "{name: web, stable: {version: v1}, candidate: {version: v2}, strategy: {blueGreen: {active: candidate}}}\n",
				"{name: web, stable: {version: v2}, strategy: {blueGreen: {active: stable}}}\n"}},
			ops: []op{del("stable"), rename("candidate", "stable"), set("strategy.blueGreen.active", "stable")},
		},
		{
			name: "cue neighbours on one line deleted, last and middle, either order",
			files: []file{{"r.cue", "name: \"web\"\nstable: {version: \"v9\", digest: \"sha256:ab\", image: \"x\", env: MODE: \"x\"}\n",
				"name: \"web\"\nstable: {version: \"v9\", tag: \"v1\"}\n"}},
			ops: []op{insert("stable.tag", "v1", "version"), del("stable.env"), del("stable.digest"), del("stable.image")},
		},
		{
			name: "yaml flow neighbours deleted, middle first",
			files: []file{{"r.yaml", "name: web\nstable: {version: v9, digest: x, image: y, tag: z}\n",
				"name: web\nstable: {version: v9}\n"}},
			ops: []op{del("stable.image"), del("stable.digest"), del("stable.tag")},
		},
		{
			name: "yaml flow: every field deleted",
			files: []file{{"r.yaml", "name: web\nstable: {version: v9}\nx: {a: 1, b: 2, c: 3}\n",
				"name: web\nstable: {version: v9}\nx: {}\n"}},
			ops: []op{del("x.c"), del("x.a"), del("x.b")},
		},
		{
			name: "yaml key with no value takes a field",
			files: []file{{"r.yaml", "name: web\nstrategy:\n  blueGreen:\n",
				"name: web\nstrategy:\n  blueGreen:\n    active: stable\n"}},
			ops: []op{set("strategy.blueGreen.active", "stable")},
		},
		{
			name: "yaml stream: the release named",
			files: []file{{"r.yaml", "name: api\nstable: {version: v1}\n---\n# web\nname: web\nstable: {version: v1}\n",
				"name: api\nstable: {version: v1}\n---\n# web\nname: web\nstable: {version: v1}\ncandidate: {version: v2, tag: \"2\"}\n"}},
			release: "web",
			ops:     []op{insert("candidate", candidate, "stable")},
		},
		{
			name: "json keeps its indentation and commas",
			files: []file{{"r.json", "{\n  \"name\": \"web\",\n  \"stable\": {\"version\": \"v1\"},\n  \"strategy\": {\n    \"canary\": {\n      \"steps\": [50, 100]\n    }\n  }\n}\n",
				"{\n  \"name\": \"web\",\n  \"stable\": {\"version\": \"v1\"},\n  \"candidate\": {\"version\": \"v2\", \"tag\": \"2\"},\n  \"strategy\": {\n    \"canary\": {\n      \"steps\": [50, 100],\n      \"step\": 0\n    }\n  }\n}\n"}},
			ops: []op{insert("candidate", candidate, "stable"), set("strategy.canary.step", 0)},
		},
		{
			name: "json delete the last field takes the comma before it",
			files: []file{{"r.json", "{\n\t\"name\": \"web\",\n\t\"stable\": {\n\t\t\"version\": \"v1\"\n\t},\n\t\"candidate\": {\n\t\t\"version\": \"v2\"\n\t}\n}\n",
				"{\n\t\"name\": \"web\",\n\t\"stable\": {\n\t\t\"version\": \"v1\"\n\t}\n}\n"}},
			ops: []op{del("candidate")},
		},
		{
			name: "json multi-line stable: candidate laid out alike",
			files: []file{{"r.json", "{\n  \"name\": \"web\",\n  \"stable\": {\n    \"version\": \"v1\"\n  }\n}\n",
				"{\n  \"name\": \"web\",\n  \"stable\": {\n    \"version\": \"v1\"\n  },\n  \"candidate\": {\n    \"version\": \"v2\",\n    \"tag\": \"2\"\n  }\n}\n"}},
			ops: []op{insert("candidate", candidate, "stable")},
		},
		{
			name: "cue file",
			files: []file{{"r.cue", "// web\nname: \"web\"\nstable: {version: \"v1\", tag: \"1\"} // now\nstrategy: canary: {\n\tsteps: [50, 100]\n\tstep:  1\n}\n",
				"// web\nname: \"web\"\nstable: {version: \"v1\", tag: \"1\"} // now\ncandidate: {version: \"v2\", tag: \"2\"}\nstrategy: canary: {\n\tsteps: [50, 100]\n\tstep:  0\n}\n"}},
			ops: []op{insert("candidate", candidate, "stable"), set("strategy.canary.step", 0)},
		},
		{
			name: "cue inline struct: a value set, its neighbour replaced",
			files: []file{{"r.cue", "name: \"web\"\nstable: {version: \"v1\", tag: \"v1\"}\n",
				"name: \"web\"\nstable: {version: \"v3\", digest: \"sha256:ab\"}\n"}},
			ops: []op{set("stable.version", "v3"), del("stable.tag"), func(r *Release) error {
				return r.SetAfter([]string{"stable", "digest"}, "sha256:ab", "version")
			}},
		},
		{
			name: "cue struct without braces takes a: b: v",
			files: []file{{"r.cue", "name: \"web\"\nstrategy: canary: steps: [50, 100]\n",
				"name: \"web\"\nstrategy: canary: steps: [50, 100]\nstrategy: canary: step: 0\n"}},
			ops: []op{set("strategy.canary.step", 0)},
		},
		{
			name: "cue package: each edit in the file that declares the field",
			files: []file{
				{"defaults.cue", "package shop\n\nreleases: [Name=string]: {\n\tname: Name\n\ttraffic: \"istio\"\n}\n",
					"package shop\n\nreleases: [Name=string]: {\n\tname: Name\n\ttraffic: \"istio\"\n}\n"},
				{"releases.cue", "package shop\n\nreleases: cart: {\n\tstable: {version: \"v1\"}\n\tstrategy: ramped: {}\n}\n\n// search\nreleases: search: {\n\tstable: {version: \"v4\", tag: \"4.0.0\"}\n\t// the candidate\n\tcandidate: {version: \"v5\", tag: \"5.0.0\"}\n\tstrategy: blueGreen: {active: \"candidate\"}\n}\n",
					"package shop\n\nreleases: cart: {\n\tstable: {version: \"v1\"}\n\tstrategy: ramped: {}\n}\n\n// search\nreleases: search: {\n\t// the candidate\n\tstable: {version: \"v5\", tag: \"5.0.0\"}\n\tstrategy: blueGreen: {active: \"stable\"}\n}\n"},
			},
			release: "search",
			ops:     []op{del("stable"), rename("candidate", "stable"), set("strategy.blueGreen.active", "stable")},
		},
		{
			name: "yaml with CRLF line ends keeps them",
			files: []file{{"r.yaml", "name: web\r\nreplicas: 2\r\nstable:\r\n  version: v1\r\nstrategy: {canary: {steps: [100]}}\r\n",
				"name: web\r\nstable:\r\n  version: v1\r\ncandidate:\r\n  version: v3\r\n  tag: \"3\"\r\nstrategy: {canary: {steps: [100]}}\r\n"}},
			ops: []op{del("replicas"), insert("candidate", Map{{"version", "v3"}, {"tag", "3"}}, "stable")},
		},
		{
			name: "yaml list of releases",
			files: []file{{"r.yaml", "- name: api\n  stable: {version: v1}\n- name: web\n  stable:\n    version: v1\n  # how\n  strategy: {canary: {steps: [100]}}\n",
				"- name: api\n  stable: {version: v1}\n- name: web\n  stable:\n    version: v1\n  candidate:\n    version: v2\n    tag: \"2\"\n  # how\n  strategy: {canary: {steps: [100]}}\n"}},
			ops: []op{insert("candidate", candidate, "stable")},
		},
		{
			name: "yaml list entry whose first key is the one edited",
			files: []file{{"r.yaml", "- stable: {version: v1}\n  name: web\n  candidate: {version: v2}\n- stable: {version: v1}\n  name: api\n",
				"- name: web\n  stable: {version: v2}\n- stable: {version: v1}\n  name: api\n"}},
			ops: []op{del("stable"), rename("candidate", "stable")},
		},
		{
			name: "yaml insert after a list entry's first key",
			files: []file{{"r.yaml", "- stable: {version: v1}\n  name: web\n",
				"- stable: {version: v1}\n  candidate: {version: v2, tag: \"2\"}\n  name: web\n"}},
			ops: []op{insert("candidate", candidate, "stable")},
		},
		{
			name: "json empty object takes its first field",
			files: []file{{"r.json", "{\"name\": \"web\", \"strategy\": {\"blueGreen\": {}}}",
				"{\"name\": \"web\", \"strategy\": {\"blueGreen\": {\"active\": \"candidate\"}}}"}},
			ops: []op{set("strategy.blueGreen.active", "candidate")},
		},
		{
			name: "yaml delete between blank lines takes one of them",
			files: []file{{"r.yaml", "name: web\n\n# the new one\ncandidate:\n  version: v2\n\n\nstrategy: {}\n",
				"name: web\n\nstrategy: {}\n"}},
			ops: []op{del("candidate")},
		},
		{
			name: "yaml rollspec Release object",
			files: []file{{"r.yaml", "apiVersion: rollspec.dev/v1alpha1\nkind: Release\nspec:\n  name: web\n  stable: {version: v1}\n",
				"apiVersion: rollspec.dev/v1alpha1\nkind: Release\nspec:\n  name: web\n  stable: {version: v2}\n"}},
			ops: []op{set("stable.version", "v2")},
		},
		{
			name: "json stream",
			files: []file{{"r.json", "{\"name\": \"api\", \"stable\": {\"version\": \"v1\"}}\n{\"name\": \"web\", \"stable\": {\"version\": \"v1\"}, \"replicas\": 2}\n",
				"{\"name\": \"api\", \"stable\": {\"version\": \"v1\"}}\n{\"name\": \"web\", \"stable\": {\"version\": \"v1\"}, \"candidate\": {\"version\": \"v2\", \"tag\": \"2\"}, \"replicas\": 2}\n"}},
			ops: []op{insert("candidate", candidate, "stable")},
		},
		{
			name: "cue package: a release spread over two files",
			files: []file{
				{"a.cue", "package web\n\n// now\nreleases: web: stable: {version: \"v1\"}\n",
					"package web\n\n// now\nreleases: web: stable: {version: \"v1\"}\nreleases: web: candidate: {version: \"v2\", tag: \"2\"}\n"},
				{"b.cue", "package web\n\nreleases: web: {\n\tstrategy: canary: {steps: [50, 100], step: 2}\n}\n",
					"package web\n\nreleases: web: {\n\tstrategy: canary: {steps: [50, 100], step: 1}\n}\n"},
			},
			ops: []op{insert("candidate", candidate, "stable"), set("strategy.canary.step", 1)},
		},
		{
			name: "cue package: promote in the file that declares the versions",
			files: []file{
				{"a.cue", "package web\n\n// now\nreleases: web: stable: {version: \"v1\"}\nreleases: web: candidate: {version: \"v2\", tag: \"2\"}\n",
					"package web\n\nreleases: web: stable: {version: \"v2\", tag: \"2\"}\n"},
				{"b.cue", "package web\n\nreleases: web: {\n\tstrategy: canary: {steps: [50, 100], step: 2}\n}\n",
					"package web\n\nreleases: web: {\n\tstrategy: canary: {steps: [50, 100], step: 1}\n}\n"},
			},
			ops: []op{del("stable"), rename("candidate", "stable"), set("strategy.canary.step", 1)},
		},
		{
			name: "cue: a field added beside its sibling in a struct without braces",
			files: []file{{"a.cue", "releases: web: stable: {version: \"v1\"}\n",
				"releases: web: stable: {version: \"v1\"}\nreleases: web: candidate: {version: \"v2\", tag: \"2\"}\n"}},
			ops: []op{insert("candidate", candidate, "stable")},
		},
		{
			name: "yaml flow: a comment ending stable's line stays with stable",
			files: []file{{"r.yaml", "{name: web,\n  stable: {version: v1},   # stable here\n  strategy: {}}\n",
				"{name: web,\n  stable: {version: v1},   # stable here\n  candidate: {version: v2, tag: \"2\"},\n  strategy: {}}\n"}},
			ops: []op{insert("candidate", candidate, "stable")},
		},
		{
			name: "yaml flow: after the last entry and its comment, the comma after it",
			files: []file{{"r.yaml", "{name: web,\n  stable: {version: v1}   # stable here\n}\n",
				"{name: web,\n  stable: {version: v1},   # stable here\n  candidate: {version: v2, tag: \"2\"}\n}\n"}},
			ops: []op{insert("candidate", candidate, "stable")},
		},
		{
			name: "cue computed value refused at its place",
			files: []file{{"r.cue", "_step: 1\nname: \"web\"\nstrategy: canary: {steps: [50, 100], step: _step}\n",
				"_step: 1\nname: \"web\"\nstrategy: canary: {steps: [50, 100], step: _step}\n"}},
			ops: []op{set("strategy.canary.step", 2)},
			err: "r.cue:3:44: strategy.canary.step: is computed from _step, not a literal: edit it where its value is decided (allowed: a literal such as 2)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var docs []*Doc
			for _, f := range tc.files {
				d, err := Parse(f.name, []byte(f.src))
				if err != nil {
					t.Fatal(err)
				}
				docs = append(docs, d)
			}
			name := tc.release
			if name == "" {
				name = "web"
			}
			r, err := Find(docs, name, "default")
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range tc.ops {
				if err = o(r); err != nil {
					break
				}
			}
			if tc.err != "" || err != nil {
				got := ""
				if err != nil {
					got = errText(err)
				}
				if got != tc.err {
					t.Fatalf("error:\n got %s\nwant %s", got, tc.err)
				}
			}
			for i, f := range tc.files {
				d := docs[i]
				got, _, err := d.Result()
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != f.want {
					t.Errorf("%s:\n got %q\nwant %q\n%s", f.name, got, f.want, got)
				}
				untouched(t, d, got)
			}
		})
	}
}

// untouched checks that the bytes before the first edit and after the
// last are the original's.
func untouched(t *testing.T, d *Doc, got []byte) {
	t.Helper()
	if len(d.edits) == 0 {
		if string(got) != string(d.src) {
			t.Errorf("%s: changed without an edit", d.Name)
		}
		return
	}
	first, last := len(d.src), 0
	for _, e := range d.edits {
		first, last = min(first, e.start), max(last, e.end)
	}
	if string(got[:first]) != string(d.src[:first]) {
		t.Errorf("%s: bytes before the first edit changed", d.Name)
	}
	if tail := d.src[last:]; string(got[len(got)-len(tail):]) != string(tail) {
		t.Errorf("%s: bytes after the last edit changed", d.Name)
	}
}

func errText(err error) string {
	if d, ok := err.(interface{ Position() token.Pos }); ok {
		return d.Position().String() + ": " + err.Error()
	}
	return err.Error()
}

// TestAnchors: a YAML document with anchors, aliases or merge keys is
// refused at the first one, as an edit in one place would change or
// break another; another document of the stream may be edited.
func TestAnchors(t *testing.T) {
	const allowed = ": rollspec cannot edit a YAML document with anchors, aliases or merge keys, as an edit in one place would change or break another (allowed: write the fields out)"
	for _, tc := range []struct {
		name, src, release, err string
	}{
		{name: "merge key", src: "name: web\nstable:\n  <<: {version: v1}\n  tag: \"1\"\n",
			err: "r.yaml:3:3: stable: a merge key (<<)" + allowed},
		{name: "anchor", src: "name: web\nstable: &s\n  version: v1\ncandidate:\n  <<: *s\n  version: v2\n",
			err: "r.yaml:2:9: stable: an anchor (&s)" + allowed},
		{name: "alias of a scalar", src: "name: web\nx: &v v1\nstable:\n  version: *v\n",
			err: "r.yaml:2:4: x: an anchor (&v)" + allowed},
		{name: "alias in a list", src: "name: web\nports: [&p {name: http}, *p]\n",
			err: "r.yaml:2:9: ports.0: an anchor (&p)" + allowed},
		{name: "another document's anchors", src: "name: api\nstable: &s {version: v1}\n---\nname: web\nstable: {version: v1}\n", release: "web"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse("r.yaml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			name := tc.release
			if name == "" {
				name = "web"
			}
			got := ""
			if _, err := Find([]*Doc{d}, name, "default"); err != nil {
				got = errText(err)
			}
			if got != tc.err {
				t.Errorf("error:\n got %s\nwant %s", got, tc.err)
			}
		})
	}
}
