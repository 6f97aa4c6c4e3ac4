package planfmt_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cuejson "cuelang.org/go/encoding/json"
	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/planfmt"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/internal/stage"
	"github.com/rollspec/rollspec/internal/testfs"
	"github.com/rollspec/rollspec/internal/testmd"
	"github.com/rollspec/rollspec/schema"
)

// extra are releases no example shows, so that every strategy and
// workload kind is written in every format.
const extra = `
name: gamma
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 4
readinessProbe: {http: {path: /}}
runAsUser: 1000
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {canary: {steps: [10, 30, 60, 100], step: 1}}
---
name: delta
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 2
readinessProbe: {http: {path: /}}
runAsUser: 1000
workload: StatefulSet
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {onDelete: {}}
---
name: epsilon
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 3
runAsUser: 1000
stable: {version: v1, tag: "1"}
strategy: {recreate: {}}
---
name: zeta
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 2
runAsUser: 1000
traffic: istio
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {abTest: {match: [{headers: {x-user: {exact: "<script>alert(1)</script>"}}}]}}
`

// plans are the plans of every example and of extra.
func plans(t *testing.T) []*stage.Plan {
	t.Helper()
	l := &load.Loader{}
	var rs []*compile.Release
	for _, name := range testfs.Examples(t, "../../examples") {
		got, err := compile.Paths(l, specpath.Contained, []string{filepath.Join("../../examples", name)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rs = append(rs, got...)
	}
	got, err := compile.Bytes(l, "extra.yaml", []byte(extra))
	if err != nil {
		t.Fatal(err)
	}
	rs = append(rs, got...)
	var ps []*stage.Plan
	for _, r := range rs {
		p, err := stage.Of(r.Spec.Release, r.Warnings)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func write(t *testing.T, format string, ps []*stage.Plan) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := planfmt.Write(&b, format, ps, ""); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestJSONSchema: the JSON is what schema/plan.cue documents, closed:
// a field the schema does not name fails, and so does a wrong value.
func TestJSONSchema(t *testing.T) {
	ctx := cuecontext.New()
	src, err := schema.FS.ReadFile("plan.cue")
	if err != nil {
		t.Fatal(err)
	}
	def := ctx.CompileBytes(src, cue.Filename("plan.cue")).LookupPath(cue.ParsePath("#Plan"))
	if err := def.Err(); err != nil {
		t.Fatal(err)
	}
	validate := func(b []byte) error {
		expr, err := cuejson.Extract("plan.json", b)
		if err != nil {
			return err
		}
		return def.Unify(ctx.BuildExpr(expr)).Validate(cue.Concrete(true))
	}
	out := write(t, "json", plans(t))
	if err := validate(out); err != nil {
		t.Fatalf("the JSON is not a #Plan: %v", err)
	}
	for _, bad := range []struct{ from, to string }{
		{`"perNode": false`, `"perNode": false, "surprise": 1`},
		{`"action": "delete"`, `"action": "explode"`},
		{`"formatVersion": 1`, `"formatVersion": 2`},
	} {
		if !bytes.Contains(out, []byte(bad.from)) {
			t.Fatalf("the output has no %s", bad.from)
		}
		if err := validate(bytes.Replace(out, []byte(bad.from), []byte(bad.to), 1)); err == nil {
			t.Errorf("%s validates: the schema checks nothing there", bad.to)
		}
	}
}

// svgMark is one mark of the chart as the SVG names it.
type svgMark struct {
	Series, Version, Stage string
	Value                  string
	X, Y, W, H             int
}

// marks reads every series mark back from the SVG, by release panel.
func marks(t *testing.T, svg []byte) [][]svgMark {
	t.Helper()
	var out [][]svgMark
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var series, version string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]string{}
		for _, a := range el.Attr {
			attr[a.Name.Local] = a.Value
		}
		switch {
		case attr["data-release"] != "":
			out = append(out, nil)
		case attr["data-series"] != "":
			series, version = attr["data-series"], attr["data-version"]
		case attr["data-stage"] != "" && attr["data-value"] != "":
			num := func(k string) int { n, _ := strconv.Atoi(attr[k]); return n }
			m := svgMark{Series: series, Version: version, Stage: attr["data-stage"], Value: attr["data-value"], X: num("x"), Y: num("y"), W: num("width"), H: num("height")}
			out[len(out)-1] = append(out[len(out)-1], m)
		}
	}
	return out
}

// TestSVG: the chart has a pods and a requests series per version with
// the plan's numbers, and rendered, each bar shows its version's colour
// where it stands.
func TestSVG(t *testing.T) {
	ps := plans(t)
	svg := write(t, "svg", ps)
	if _, err := xml.NewDecoder(bytes.NewReader(svg)).Token(); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	got := marks(t, svg)
	colours := []color.RGBA{{0x4e, 0x79, 0xa7, 0xff}, {0xf2, 0x8e, 0x2b, 0xff}}
	for i, p := range ps {
		rel := p.Namespace + "/" + p.Name
		if len(got) != len(ps) {
			t.Fatalf("%d panels for %d releases", len(got), len(ps))
		}
		ms := got[i]
		img := render(t, planfmt.SVG([]*stage.Plan{p}))
		want := map[string]bool{}
		for _, s := range p.Stages {
			for _, pods := range s.Pods {
				want[fmt.Sprintf("pods %s %s %d", pods.Version, s.Name, pods.Count)] = true
			}
			if len(s.Routes) > 0 {
				for _, sh := range s.Routes[0].Shares {
					want[fmt.Sprintf("traffic %s %s %s", sh.Version, s.Name, strconv.FormatFloat(sh.Percent, 'g', -1, 64))] = true
				}
			}
			if s.Transition != nil {
				want[fmt.Sprintf("peak  %s %d", s.Name, s.Transition.Peak)] = true
				want[fmt.Sprintf("floor  %s %d", s.Name, s.Transition.Floor)] = true
			}
		}
		for _, m := range ms {
			delete(want, strings.Join([]string{m.Series, m.Version, m.Stage, m.Value}, " "))
			if m.Series != "pods" && m.Series != "traffic" || m.W < 4 || m.H < 4 {
				continue
			}
			// The bar's middle, in the panel of release i, has the colour of
			// its version.
			c := img.RGBAAt(m.X+m.W/2, m.Y+m.H/2)
			if !slices.ContainsFunc(colours, func(v color.RGBA) bool { return v == c }) {
				t.Errorf("%s: %s %s at %s rendered %v", rel, m.Series, m.Version, m.Stage, c)
			}
		}
		for k := range want {
			t.Errorf("%s: no mark %q in the SVG", rel, k)
		}
	}
}

// render rasterises svg as a browser would draw its shapes.
func render(t *testing.T, svg []byte) *image.RGBA {
	t.Helper()
	icon, err := oksvg.ReadIconStream(bytes.NewReader(svg))
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	w, h := int(icon.ViewBox.W), int(icon.ViewBox.H)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	icon.Draw(rasterx.NewDasher(w, h, rasterx.NewScannerGV(w, h, img, img.Bounds())), 1)
	return img
}

// TestMarkdown: every row of every table has as many cells as its
// heading, and every problem is listed with its stage.
func TestMarkdown(t *testing.T) {
	ps := plans(t)
	md := string(write(t, "markdown", ps))
	var cells int
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "### "):
			cells = 0
		case strings.HasPrefix(line, "|") && cells == 0:
			cells = strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
		case strings.HasPrefix(line, "|"):
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != cells {
				t.Errorf("row with %d cells under a heading of %d: %s", n-1, cells-1, line)
			}
		}
	}
	r := testmd.Render([]byte(md))
	if len(r.Active) > 0 {
		t.Errorf("a value went into the Markdown as markup: %q", r.Active)
	}
	if !slices.ContainsFunc(r.Codes, func(c string) bool { return strings.Contains(c, `"<script>alert(1)</script>"`) }) {
		t.Errorf("the match value is not shown in a code span")
	}
	for _, p := range ps {
		for _, s := range p.Stages {
			for _, d := range s.Problems {
				if !strings.Contains(md, "**"+s.Name+"** "+inert.Code(d.Line(""))) {
					t.Errorf("problem of %s/%s at %s not listed: %s", p.Namespace, p.Name, s.Name, d.Line(""))
				}
			}
		}
	}
}

// TestSVGControl: control characters in what the chart names, which XML
// does not allow, are written escaped; the SVG stays XML.
func TestSVGControl(t *testing.T) {
	p := plans(t)[0]
	p.Name += "\x1b]0;title\x07<b>&"
	for _, s := range p.Stages {
		s.Name += "\r\x00"
	}
	svg := planfmt.SVG([]*stage.Plan{p})
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var stages []string
	for {
		tok, err := dec.Token()
		if err != nil {
			if err != io.EOF {
				t.Fatalf("not XML: %v\n%s", err, svg)
			}
			break
		}
		if el, ok := tok.(xml.StartElement); ok {
			for _, a := range el.Attr {
				if a.Name.Local == "data-stage" {
					stages = append(stages, a.Value)
				}
			}
		}
	}
	if len(stages) == 0 || !strings.HasSuffix(stages[0], `\r\x00`) {
		t.Errorf("stages %q, want them ending in their escaped control characters", stages)
	}
	if !bytes.Contains(svg, []byte(`\x1b]0;title\a&lt;b&gt;&amp;`)) {
		t.Errorf("the release's name is not shown escaped:\n%s", svg)
	}
}
