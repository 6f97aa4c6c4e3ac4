package fn

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// itemsLine is the line that opens the items of a ResourceList as kyaml
// (kustomize, kpt) writes one: a block sequence at column 0 follows.
var itemsLine = []byte("items:\n")

// findItems finds the lines of the items of the ResourceList in src: the
// lines after the first line "items:" at column 0, each item starting
// with "-" at column 0 and going on over indented and empty lines, up to
// the next line at column 0 that starts no item (the next top-level
// field). ok is false when src has no such line followed by an item. The
// lines are only where the items would be if the top level is a block
// mapping; the caller checks that by parsing the rest without them.
func findItems(src []byte) (start, end int, ok bool) {
	for at := 0; at < len(src); {
		i := bytes.Index(src[at:], itemsLine)
		if i < 0 {
			return 0, 0, false
		}
		i += at
		if i == 0 || src[i-1] == '\n' {
			start = i + len(itemsLine)
			break
		}
		at = i + 1
	}
	if start == 0 || start >= len(src) || src[start] != '-' {
		return 0, 0, false
	}
	end = start
	for end < len(src) {
		switch src[end] {
		case '-':
			if end+1 < len(src) && src[end+1] != ' ' && src[end+1] != '\n' {
				// Not an item ("-x:" is a key at the top level).
				return start, end, end > start
			}
		case ' ', '\n':
		default:
			return start, end, true
		}
		nl := bytes.IndexByte(src[end:], '\n')
		if nl < 0 {
			return start, len(src), true
		}
		end += nl + 1
	}
	return start, end, true
}

// nextItem returns the end of the item that starts at the beginning of
// region: the start of the next line at column 0, or len(region).
func nextItem(region []byte) int {
	at := 0
	for {
		nl := bytes.IndexByte(region[at:], '\n')
		if nl < 0 {
			return len(region)
		}
		at += nl + 1
		if at < len(region) && region[at] == '-' {
			return at
		}
		if at >= len(region) {
			return len(region)
		}
	}
}

// skeleton is src with the lines from start to end emptied: the rest of
// the ResourceList, each line where it was, so that a problem in it is
// reported at its own line.
func skeleton(src []byte, start, end int) []byte {
	n := bytes.Count(src[start:end], []byte("\n"))
	out := make([]byte, 0, len(src)-(end-start)+n)
	out = append(out, src[:start]...)
	for range n {
		out = append(out, '\n')
	}
	return append(out, src[end:]...)
}

// carved reports whether the lines taken out of skel were the items of
// its top level: in skel, the line itemsLine (from 1) holds the first
// "items:" key of a block mapping, its value is null (the lines are
// empty), and the next key, if any, is at column 1 of line next. When
// they were not (a quoted value whose lines go on at column 0 looked
// like the end of the items, say), skel parses otherwise, or not at all:
// then it is not carved either.
func carved(skel []byte, itemsLine, next int) bool {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(skel)).Decode(&doc); err != nil {
		return true // kyaml reports the syntax error
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	fields := doc.Content[0].Content
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i].Value != "items" {
			continue
		}
		k, v := fields[i], fields[i+1]
		if k.Line != itemsLine || k.Column != 1 || v.Tag != yaml.NodeTagNull || v.Value != "" {
			return false
		}
		return i+2 == len(fields) || fields[i+2].Line == next && fields[i+2].Column == 1
	}
	return false
}
