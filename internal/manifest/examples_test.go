package manifest_test

import (
	"bytes"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/manifest"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/internal/testfs"
)

// compileExamples compiles every example under ../../examples.
func compileExamples(tb testing.TB) map[string][]*compile.Release {
	tb.Helper()
	l := &load.Loader{}
	out := map[string][]*compile.Release{}
	for _, name := range testfs.Examples(tb, "../../examples") {
		rs, err := compile.Paths(l, specpath.Contained, []string{filepath.Join("../../examples", name)})
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		out[name] = rs
	}
	if len(out) < 10 {
		tb.Fatalf("only %d examples compiled", len(out))
	}
	return out
}

// TestExamplesRoundTrip parses each example's whole stream, as build
// prints it, and expects each document to be its object's JSON value as
// Render writes it (pruned, without status).
func TestExamplesRoundTrip(t *testing.T) {
	examples := compileExamples(t)
	for _, name := range slices.Sorted(maps.Keys(examples)) {
		t.Run(name, func(t *testing.T) { streamRoundTrip(t, examples[name]) })
	}
}

// TestConfigFileRoundTrip compiles a release whose config holds files of
// several lines, which are written as literal block scalars.
func TestConfigFileRoundTrip(t *testing.T) {
	spec := `name: web
image: nginx
ports: [{name: http, containerPort: 8080}]
runAsUser: 101
config:
  nginx.conf: |
    server {
        listen 8080;  # "quoted": not a comment
    }
  motd: "  welcome\n\n"
  crlf: "a\r\nb"
stable: {version: v1, tag: "1.27"}
strategy: {recreate: {}}
`
	rs, err := compile.Bytes(&load.Loader{}, "web.yaml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	stream := compile.Stream(rs)
	for _, want := range []string{"  nginx.conf: |\n    server {\n        listen 8080;", `  motd: "  welcome\n\n"`, `  crlf: "a\r\nb"`} {
		if !strings.Contains(string(stream), want) {
			t.Errorf("stream lacks %q:\n%s", want, stream)
		}
	}
	streamRoundTrip(t, rs)
}

// streamRoundTrip fails t unless every parser reads the releases' stream
// back as their objects' values.
func streamRoundTrip(t *testing.T, rs []*compile.Release) {
	t.Helper()
	var want []any
	for _, r := range rs {
		for _, o := range r.Result.Objects {
			v, err := manifest.Value(o)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, v)
		}
	}
	stream := compile.Stream(rs)
	if !bytes.HasPrefix(stream, []byte(manifest.Header)) {
		t.Fatalf("stream does not start with %q", manifest.Header)
	}
	for _, p := range parsers {
		got, err := p.parse(stream)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d documents, want %d", p.name, len(got), len(want))
		}
		for i := range got {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("%s: document %d differs:\ngot  %#v\nwant %#v", p.name, i, got[i], want[i])
			}
		}
	}
}
