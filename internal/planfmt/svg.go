package planfmt

import (
	"bytes"
	"fmt"
	"html"

	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/stage"
)

// colours of the versions' series: the stable version blue, the candidate
// orange (distinct for colour-blind readers too), each version keeping
// its colour once promoted.
var colours = []string{"#4e79a7", "#f28e2b"}

// Colours of the marks of the peak and the floor of pods on the way.
const (
	peakColour  = "#d62728"
	floorColour = "#2ca02c"
)

// Chart geometry, in SVG user units.
const (
	chartLeft   = 70  // room for the axis labels
	stageWidth  = 110 // one stage's column
	barWidth    = 56
	podsTop     = 48 // below the title and legend
	podsHeight  = 120
	trafficTop  = podsTop + podsHeight + 28
	trafficHigh = 50
	labelTop    = trafficTop + trafficHigh + 18
	panelHeight = labelTop + 24
)

// SVG draws each plan as a panel: per stage, the pods of each version
// stacked (the peak and floor Kubernetes holds on the way marked beside
// the bar), and below, the share of requests each version gets on the
// release's first route. Each series is a group with data-series
// ("pods", "traffic", "peak", "floor"), data-role and data-version;
// each mark carries data-stage and data-value, so that tools and tests
// read the numbers back.
func SVG(plans []*stage.Plan) []byte {
	width := 520 // the title and the legend
	for _, p := range plans {
		width = max(width, chartLeft+len(p.Stages)*stageWidth+20)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		width, panelHeight*len(plans), width, panelHeight*len(plans))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, panelHeight*len(plans))
	for i, p := range plans {
		panel(&b, p, i*panelHeight)
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// panel draws one plan at height top.
func panel(b *bytes.Buffer, p *stage.Plan, top int) {
	fmt.Fprintf(b, `<g data-release="%s/%s" transform="translate(0 %d)">`+"\n", esc(p.Namespace), esc(p.Name), top)
	fmt.Fprintf(b, `<text x="8" y="18" font-size="13" font-weight="bold">%s</text>`+"\n", esc(title(p)))
	legend(b, p)
	scale := int32(1)
	for _, s := range p.Stages {
		scale = max(scale, total(s))
		if t := s.Transition; t != nil {
			scale = max(scale, t.Peak)
		}
	}
	fmt.Fprintf(b, `<text x="8" y="%d">pods</text><text x="8" y="%d">requests</text>`+"\n", podsTop+podsHeight/2, trafficTop+trafficHigh/2)
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`+"\n", chartLeft-6, podsTop+podsHeight, chartLeft+len(p.Stages)*stageWidth, podsTop+podsHeight)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%d</text><text x="%d" y="%d" text-anchor="end">0</text>`+"\n", chartLeft-10, podsTop+4, scale, chartLeft-10, podsTop+podsHeight)
	vs := versions(p)
	for i := range vs {
		podSeries(b, p, vs, i, scale)
		trafficSeries(b, p, vs, i)
	}
	bounds(b, p, scale)
	for i, s := range p.Stages {
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", x(i)+barWidth/2, labelTop, esc(s.Name))
	}
	b.WriteString("</g>\n")
}

// legend names each version with its colour.
func legend(b *bytes.Buffer, p *stage.Plan) {
	at := chartLeft
	for i, v := range versions(p) {
		fmt.Fprintf(b, `<rect x="%d" y="28" width="10" height="10" fill="%s"/><text x="%d" y="37">%s</text>`+"\n", at, colours[i], at+14, esc(v))
		at += 14 + 7*len(v) + 16
	}
	// The marks beside the bars: the most pods on the way to a stage, the
	// fewest ready ones.
	fmt.Fprintf(b, `<line x1="%d" y1="33" x2="%d" y2="33" stroke="%s" stroke-width="2"/><text x="%d" y="37">most pods on the way</text>`+"\n", at, at+12, peakColour, at+16)
	at += 16 + 130
	fmt.Fprintf(b, `<line x1="%d" y1="33" x2="%d" y2="33" stroke="%s" stroke-width="2"/><text x="%d" y="37">fewest ready</text>`+"\n", at, at+12, floorColour, at+16)
}

// podSeries draws the pods of version vs[i] at each stage, stacked on
// those of the versions before it.
func podSeries(b *bytes.Buffer, p *stage.Plan, vs []string, i int, scale int32) {
	fmt.Fprintf(b, `<g data-series="pods" data-version="%s" fill="%s">`+"\n", esc(vs[i]), colours[i])
	for j, s := range p.Stages {
		n := versionCount(s, vs[i])
		var below int32
		for _, v := range vs[:i] {
			below += versionCount(s, v)
		}
		h := height(n, scale, podsHeight)
		y := podsTop + podsHeight - height(below, scale, podsHeight) - h
		fmt.Fprintf(b, `<rect data-stage="%s" data-value="%d" x="%d" y="%d" width="%d" height="%d"/>`+"\n", esc(s.Name), n, x(j), y, barWidth, h)
		if n > 0 && h >= 14 {
			fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle" fill="#fff">%d</text>`+"\n", x(j)+barWidth/2, y+h/2+4, n)
		}
	}
	b.WriteString("</g>\n")
}

// trafficSeries draws version vs[i]'s share of the first route's
// requests at each stage, after the shares of the versions before it; a
// mirrored share is a dashed outline above the bar.
func trafficSeries(b *bytes.Buffer, p *stage.Plan, vs []string, i int) {
	fmt.Fprintf(b, `<g data-series="traffic" data-version="%s" fill="%s">`+"\n", esc(vs[i]), colours[i])
	for j, s := range p.Stages {
		share, mirrored := shareOf(s, vs[i])
		var below float64
		for _, v := range vs[:i] {
			sh, _ := shareOf(s, v)
			below += sh
		}
		left, width := x(j)+int(below/100*barWidth), int(share/100*barWidth)
		fmt.Fprintf(b, `<rect data-stage="%s" data-value="%g" x="%d" y="%d" width="%d" height="%d"/>`+"\n",
			esc(s.Name), share, left, trafficTop, width, trafficHigh)
		if width >= 24 {
			fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle" fill="#fff">%s</text>`+"\n", left+width/2, trafficTop+trafficHigh/2+4, stage.Percent(share))
		}
		if mirrored > 0 {
			fmt.Fprintf(b, `<rect data-stage="%s" data-mirror="%g" x="%d" y="%d" width="%d" height="6" fill="none" stroke="%s" stroke-dasharray="3 2"/>`+"\n",
				esc(s.Name), mirrored, x(j), trafficTop-9, int(mirrored/100*barWidth), colours[i])
		}
	}
	b.WriteString("</g>\n")
}

// bounds marks the peak and the floor of pods on the way to each stage.
func bounds(b *bytes.Buffer, p *stage.Plan, scale int32) {
	for _, series := range []struct {
		name, colour string
		of           func(*stage.Transition) int32
	}{
		{"peak", peakColour, func(t *stage.Transition) int32 { return t.Peak }},
		{"floor", floorColour, func(t *stage.Transition) int32 { return t.Floor }},
	} {
		fmt.Fprintf(b, `<g data-series="%s" stroke="%s" stroke-width="2">`+"\n", series.name, series.colour)
		for i, s := range p.Stages {
			if s.Transition == nil {
				continue
			}
			n := series.of(s.Transition)
			y := podsTop + podsHeight - height(n, scale, podsHeight)
			fmt.Fprintf(b, `<line data-stage="%s" data-value="%d" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", esc(s.Name), n, x(i)+barWidth+4, y, x(i)+barWidth+16, y)
		}
		b.WriteString("</g>\n")
	}
}

func x(i int) int { return chartLeft + i*stageWidth }

func height(n, scale int32, full int) int { return int(int64(n) * int64(full) / int64(scale)) }

// total is the pods stage s runs.
func total(s *stage.Stage) int32 {
	var n int32
	for _, p := range s.Pods {
		n += p.Count
	}
	return n
}

// versionCount is the pods version runs at s.
func versionCount(s *stage.Stage, version string) int32 {
	var n int32
	for _, p := range s.Pods {
		if p.Version == version {
			n += p.Count
		}
	}
	return n
}

// shareOf is version's share of the first route's requests at s, and the
// share mirrored to it.
func shareOf(s *stage.Stage, version string) (share, mirrored float64) {
	if len(s.Routes) == 0 {
		return 0, 0
	}
	r := s.Routes[0]
	for _, sh := range r.Shares {
		if sh.Version == version {
			share += sh.Percent
		}
	}
	if m := r.Mirror; m != nil && m.Version == version {
		mirrored = m.Percent
	}
	return share, mirrored
}

// versions are the versions the plan runs: stable then the candidate, as
// the current state names them.
func versions(p *stage.Plan) []string {
	if len(p.Stages) == 0 {
		return nil
	}
	r := p.Stages[0].Release
	vs := []string{r.Stable.Version}
	if r.Candidate != nil && r.Candidate.Version != r.Stable.Version {
		vs = append(vs, r.Candidate.Version)
	}
	return vs
}

// esc is s as XML text or an attribute's value: its markup escaped, and
// the characters that do not show (control characters, which XML does
// not allow) written as their escapes (inert.Line).
func esc(s string) string { return html.EscapeString(inert.Line(s)) }
