package fn

import "bytes"

// canon decides whether an item's text is exactly what kyaml's encoder
// writes for the node the text parses to, so that the item can be passed
// on as it is, without building its node. It accepts a narrow form, the
// one kustomize and kpt write a Kubernetes object in: block mappings
// indented by two, block sequences at their key's column ("- " compact),
// single-line plain, single- and double-quoted scalars in the encoder's
// own quoting and escapes, literal block scalars (| and |-), and flow
// collections on one line ({a: b, c: [d]}). Anything else (comments,
// anchors, tags, folded or multi-line scalars, other indentation or
// spacing, a character the encoder would escape) is not accepted, and
// the item is parsed instead. Along the way it reads what the item's
// metadata.annotations hold of those kyaml's annotation bookkeeping
// reads and writes (see annotations).
type canon struct {
	src   []byte // the item, starting with "- " at column 0
	pos   int    // start of the current line
	annos annotations
}

// The levels of an item whose mappings the canon tracks.
const (
	levelOther = iota
	levelItem  // the item's own fields
	levelMeta  // metadata
	levelAnnos // metadata.annotations
)

// scalar kinds a value can be.
const (
	kindNone = iota
	kindPlain
	kindSingle
	kindDouble
	kindBlock // a literal block scalar, | or |-
	kindEmpty // {} or []
	kindFlow  // a flow collection with content
)

// check reports whether c.src is in the encoder's form, reading its
// annotations into c.annos.
func (c *canon) check() bool {
	line, ok := c.line()
	if !ok || len(line) < 2 || line[0] != '-' || line[1] != ' ' {
		return false
	}
	return c.mapping(2, line[2:], levelItem) && c.pos == len(c.src)
}

// line is the current line without its line break; ok is false at the
// end, or at a last line without a line break (the encoder ends each).
func (c *canon) line() (line []byte, ok bool) {
	if c.pos >= len(c.src) {
		return nil, false
	}
	nl := bytes.IndexByte(c.src[c.pos:], '\n')
	if nl < 0 {
		return nil, false
	}
	return c.src[c.pos : c.pos+nl], true
}

// next moves to the next line.
func (c *canon) next() {
	nl := bytes.IndexByte(c.src[c.pos:], '\n')
	c.pos += nl + 1
}

// indent is the number of spaces line starts with.
func indent(line []byte) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

// dash reports whether s starts a block sequence entry.
func dash(s []byte) bool {
	return len(s) >= 2 && s[0] == '-' && s[1] == ' '
}

// mapping checks a block mapping whose keys are at column ind. first is
// the text of its first entry when it shares its line with a sequence's
// "- " (the current line); nil when the first entry is a line of its own.
func (c *canon) mapping(ind int, first []byte, level int) bool {
	entries := 0
	seen := false // the tracked key (metadata, annotations) came before
	for {
		entryStart := c.pos
		text := first
		if first == nil {
			line, ok := c.line()
			if !ok || indent(line) != ind || dash(line[ind:]) {
				return entries > 0
			}
			text = line[ind:]
		}
		first = nil
		kk, raw, rest, ok := keyOf(text)
		if !ok || kk == kindNone {
			return false
		}
		key := unquote(kk, raw)
		entries++
		child := levelOther
		switch {
		case level == levelItem && string(key) == "metadata":
			child = levelMeta
		case level == levelMeta && string(key) == "annotations":
			child = levelAnnos
		}
		if child != levelOther {
			if seen {
				c.annos.odd = true // a duplicate: kyaml reads one, edits another
			}
			seen = true
		}
		vk, value, nested := kindNone, []byte(nil), false
		if len(rest) == 0 { // "key:", and the value below or null
			c.next()
			line, ok := c.line()
			switch in := indent(line); {
			case ok && in == ind+2 && !dash(line[in:]):
				nested = true
				if !c.mapping(ind+2, nil, child) {
					return false
				}
			case ok && in == ind && dash(line[in:]):
				if !c.sequence(ind) {
					return false
				}
			}
		} else if vk, value, ok = c.value(rest[1:], ind); !ok {
			return false
		}
		if child != levelOther && !nested {
			c.annos.odd = true // metadata or annotations no block mapping
		}
		if level == levelAnnos {
			c.annos.entries++
			c.annos.track(key, vk, value, entryStart, c.pos)
		}
	}
}

// sequence checks a block sequence whose "- " are at column ind.
func (c *canon) sequence(ind int) bool {
	entries := 0
	for {
		line, ok := c.line()
		if !ok || indent(line) != ind || !dash(line[ind:]) {
			return entries > 0
		}
		entries++
		text := line[ind+2:]
		if kk, _, _, ok := keyOf(text); ok && kk != kindNone {
			if !c.mapping(ind+2, text, levelOther) {
				return false
			}
			continue
		}
		if _, _, ok := c.value(text, ind); !ok {
			return false
		}
	}
}

// value checks the value text of an entry whose key or "- " is at column
// ind, and moves past it: its line, and a block scalar's lines.
func (c *canon) value(text []byte, ind int) (kind int, raw []byte, ok bool) {
	switch {
	case string(text) == "{}" || string(text) == "[]":
		c.next()
		return kindEmpty, text, true
	case string(text) == "|" || string(text) == "|-":
		c.next()
		return kindBlock, nil, c.block(ind + 2)
	}
	kind, n := scalarAt(text, false)
	if len(text) > 0 && (text[0] == '{' || text[0] == '[') {
		kind, n = kindFlow, flow(text)
	}
	if kind == kindNone || n != len(text) {
		return kindNone, nil, false
	}
	c.next()
	return kind, text, true
}

// block checks the lines of a literal block scalar indented by ind: the
// first starts with exactly ind spaces (the encoder adds an indentation
// indicator otherwise), none ends in a space (the encoder double-quotes
// such a value), and no empty line ends it (chomping drops those).
func (c *canon) block(ind int) bool {
	lines, lastEmpty := 0, false
	for {
		line, ok := c.line()
		if !ok {
			break
		}
		if len(line) == 0 {
			if lines == 0 {
				return false // the encoder adds an indentation indicator
			}
			lines++
			lastEmpty = true
			c.next()
			continue
		}
		in := indent(line)
		if in < ind || lines == 0 && in != ind {
			break
		}
		// A tab just after the indentation the parser takes for
		// indentation, and refuses.
		if line[len(line)-1] == ' ' || line[ind] == '\t' || !literalText(line[ind:]) {
			return false
		}
		lines++
		lastEmpty = false
		c.next()
	}
	return lines > 0 && !lastEmpty
}
