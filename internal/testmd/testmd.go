package testmd

import (
	"html"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// Rendered is what a renderer makes of a document.
type Rendered struct {
	// Active is each thing that acts: raw HTML, a link, an image, an
	// autolink, and text outside code that GitHub would turn into a
	// mention or a link (@name, www., scheme://) though this renderer
	// does not. rollspec's Markdown holds none of them.
	Active []string
	// Codes is the text of each code span, in order.
	Codes []string
	// Emphasis is the text of each emphasis, strong emphasis and
	// strikethrough.
	Emphasis []string
	// Headings is the text of each heading.
	Headings []string
	// Tables are each table's rows, its heading first: each cell's text.
	Tables [][][]string
}

// linkable is text GitHub links or notifies outside code, whatever the
// renderer: a mention, a www. or scheme:// address.
var linkable = regexp.MustCompile(`(?i)(^|[^a-z0-9])@[a-z0-9]|www\.|[a-z][a-z0-9+.-]*://`)

// Render reads md with GitHub's extensions and reports what it renders.
func Render(md []byte) *Rendered {
	doc := goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser().Parse(text.NewReader(md))
	r := &Rendered{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindRawHTML, ast.KindHTMLBlock, ast.KindLink, ast.KindImage, ast.KindAutoLink:
			r.Active = append(r.Active, n.Kind().String()+": "+shown(n, md, true))
			return ast.WalkSkipChildren, nil
		case ast.KindCodeSpan:
			r.Codes = append(r.Codes, shown(n, md, true))
			return ast.WalkSkipChildren, nil
		case ast.KindText, ast.KindString:
			if s := shown(n, md, false); linkable.MatchString(s) {
				r.Active = append(r.Active, "linkable text: "+s)
			}
		case ast.KindEmphasis, extast.KindStrikethrough:
			r.Emphasis = append(r.Emphasis, shown(n, md, false))
		case ast.KindHeading:
			r.Headings = append(r.Headings, shown(n, md, false))
		case extast.KindTable:
			var rows [][]string
			for row := n.FirstChild(); row != nil; row = row.NextSibling() {
				var cells []string
				for c := row.FirstChild(); c != nil; c = c.NextSibling() {
					cells = append(cells, shown(c, md, true))
				}
				rows = append(rows, cells)
			}
			r.Tables = append(r.Tables, rows)
		}
		return ast.WalkContinue, nil
	})
	return r
}

// shown is the text n shows: outside code with its entities decoded (as
// GitHub reads it to find mentions), in a code span as written; the
// code spans' text only when code is true.
func shown(n ast.Node, src []byte, code bool) string {
	if n.Type() == ast.TypeBlock && !n.HasChildren() {
		var b strings.Builder // an HTML block: its lines
		for i := 0; i < n.Lines().Len(); i++ {
			s := n.Lines().At(i)
			b.Write(s.Value(src))
		}
		return b.String()
	}
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.CodeSpan:
			if !code {
				return ast.WalkSkipChildren, nil
			}
			if c != n {
				b.WriteString(shown(c, src, true))
				return ast.WalkSkipChildren, nil
			}
		case *ast.Text:
			t := string(c.Segment.Value(src))
			if n.Kind() != ast.KindCodeSpan {
				t = html.UnescapeString(t)
			}
			b.WriteString(t)
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.URL(src))
		case *ast.RawHTML:
			for i := 0; i < c.Segments.Len(); i++ {
				s := c.Segments.At(i)
				b.Write(s.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
