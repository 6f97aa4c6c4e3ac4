package specedit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/rollspec/rollspec/internal/diag"
)

// parseYAML finds the mappings of every document of a YAML stream.
func (d *Doc) parseYAML() error {
	dec := yaml.NewDecoder(bytes.NewReader(d.src))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parsing YAML: %w", err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		first := len(d.roots)
		switch n := doc.Content[0]; n.Kind {
		case yaml.MappingNode:
			d.roots = append(d.roots, d.yamlMapping(n, nil, false))
		case yaml.SequenceNode:
			for _, item := range n.Content {
				if item.Kind == yaml.MappingNode {
					d.roots = append(d.roots, d.yamlMapping(item, nil, n.Style&yaml.FlowStyle != 0))
				}
			}
		}
		// An anchor's value is written once and read wherever an alias
		// names it: an edit of one place would change, or break, another.
		if p := d.anchored(doc.Content[0], nil); p != nil {
			for _, m := range d.roots[first:] {
				m.refused = p
			}
		}
	}
}

// anchored is an error at the first anchor, alias or merge key of n (a
// document's value, at path), nil when it has none.
func (d *Doc) anchored(n *yaml.Node, path []string) *diag.Diagnostic {
	const allowed = "rollspec cannot edit a YAML document with anchors, aliases or merge keys, as an edit in one place would change or break another (allowed: write the fields out)"
	switch {
	case n.Kind == yaml.AliasNode:
		return d.problem(d.offset(n.Line, n.Column), path, "an alias (*%s): %s", n.Value, allowed)
	case n.Anchor != "":
		return d.problem(d.offset(n.Line, n.Column), path, "an anchor (&%s): %s", n.Anchor, allowed)
	}
	for i, c := range n.Content {
		at := path
		if n.Kind == yaml.MappingNode {
			if i%2 == 0 && c.Tag == "!!merge" {
				return d.problem(d.offset(c.Line, c.Column), path, "a merge key (<<): %s", allowed)
			}
			at = append(slices.Clone(path), n.Content[i-i%2].Value)
		} else if n.Kind == yaml.SequenceNode {
			at = append(slices.Clone(path), strconv.Itoa(i))
		}
		if p := d.anchored(c, at); p != nil {
			return p
		}
	}
	return nil
}

// offset is the byte offset of a yaml.v3 position (1-based line, and
// column in characters).
func (d *Doc) offset(line, col int) int {
	off := 0
	if line-1 < len(d.lines) {
		off = d.lines[line-1]
	}
	for ; col > 1 && off < len(d.src); col-- {
		_, w := utf8.DecodeRune(d.src[off:])
		off += w
	}
	return off
}

// yamlMapping is the mapping n; inFlow when it is written inside a flow
// collection.
func (d *Doc) yamlMapping(n *yaml.Node, parent *field, inFlow bool) *mapping {
	m := &mapping{doc: d, parent: parent, flow: n.Style&yaml.FlowStyle != 0 || inFlow}
	if m.flow {
		m.open = d.offset(n.Line, n.Column)
		m.close = matching(d.src, m.open)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f := &field{name: k.Value, owner: m, key: d.offset(k.Line, k.Column)}
		f.quoted = quotedStyle(k.Style)
		f.keyEnd = d.scalarEnd(f.key, k.Style, m.flow, true)
		colon := f.keyEnd + bytes.IndexByte(d.src[f.keyEnd:], ':')
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "" && v.Style == 0:
			f.null = true
			f.val, f.valEnd = colon+1, colon+1
			f.m = &mapping{doc: d, parent: f} // key: alone, which a field may be added to
		case v.Kind == yaml.ScalarNode:
			f.val = d.offset(v.Line, v.Column)
			f.scalar = v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && v.Anchor == "" && strings.HasPrefix(v.Tag, "!!")
			f.quoted = quotedStyle(v.Style)
			f.valEnd = d.scalarEnd(f.val, v.Style, m.flow, false)
		default:
			f.val = d.offset(v.Line, v.Column)
			if v.Style&yaml.FlowStyle != 0 || m.flow {
				f.valEnd = matching(d.src, f.val) + 1
			}
			if v.Kind == yaml.MappingNode {
				f.m = d.yamlMapping(v, f, m.flow)
			}
		}
		f.end = f.valEnd
		if !m.flow {
			f.end = blockEnd(d.src, f.key, v.Kind == yaml.SequenceNode)
			f.end = max(f.end, f.valEnd)
		}
		if f.valEnd == 0 {
			f.valEnd = f.end
		}
		m.fields = append(m.fields, f)
	}
	return m
}

func quotedStyle(s yaml.Style) bool {
	return s&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
}

// scalarEnd is the end of the scalar starting at off: past its closing
// quote, or a plain scalar's last character before a comment, the end of
// the line, a key's colon or (in flow) a separator.
func (d *Doc) scalarEnd(off int, style yaml.Style, flow, key bool) int {
	src := d.src
	if quotedStyle(style) {
		return quoteEnd(src, off)
	}
	if style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return blockEnd(src, lineStart(src, off)+len(indentAt(src, off)), false)
	}
	end := off
	for i := off; i < len(src); i++ {
		c := src[i]
		next := byte('\n')
		if i+1 < len(src) {
			next = src[i+1]
		}
		if c == '\n' || c == '\r' || c == '#' && i > off && (src[i-1] == ' ' || src[i-1] == '\t') ||
			flow && (c == ',' || c == '}' || c == ']') ||
			key && c == ':' && (next == ' ' || next == '\n' || next == '\r' || next == '\t' || flow && (next == ',' || next == '}')) {
			break
		}
		if c != ' ' && c != '\t' {
			end = i + 1
		}
	}
	return end
}

// blockEnd is the end of the content of the block-style field whose key
// is at key: its last line indented more than the key (or, for a
// sequence, a "- " entry at the key's column), trailing blank lines left
// out.
func blockEnd(src []byte, key int, seq bool) int {
	col := key - lineStart(src, key)
	last := lineEnd(src, key)
	for s := nextLine(src, key); s < len(src); {
		e := lineEnd(src, s)
		line := src[s:e]
		t := bytes.TrimLeft(line, " ")
		ind := len(line) - len(t)
		switch {
		case len(bytes.TrimSpace(line)) == 0:
		case ind > col:
			last = e
		case seq && ind == col && (bytes.HasPrefix(t, []byte("- ")) || string(bytes.TrimSpace(t)) == "-"):
			last = e
		default:
			return last
		}
		s = nextLine(src, s)
	}
	return last
}
