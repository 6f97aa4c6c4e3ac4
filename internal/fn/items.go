package fn

import (
	"bytes"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// itemList is the items of a ResourceList as text: the lines from start
// to end of src, each item from its "-" at column 0 to the next.
type itemList struct {
	src        []byte
	start, end int
	limits     limits
	format     format // of the items' file annotations
	// parsed counts the bytes of the items parsed so far, against
	// limits.parsedTotal: parsing is slow (about 2 MB/s) where copying is
	// not.
	parsed int64
}

// needsWhole is an item that cannot be parsed alone as it is in the list:
// it does not parse alone (a syntax error, or one of the list's: an
// alias to an anchor outside it, a quoted value whose lines go on at
// column 0), or holds comments, which kyaml places by what comes before
// and after them. The list must be parsed whole; err is the problem when
// it is too large for that.
type needsWhole struct{ err error }

func (e *needsWhole) Error() string { return e.err.Error() }

// each calls fn with each item's text, where it starts in src and its
// index.
func (l *itemList) each(fn func(item []byte, at, index int) error) error {
	region := l.src[l.start:l.end]
	for at, i := 0, 0; at < len(region); i++ {
		n := nextItem(region[at:])
		if err := fn(region[at:at+n], l.start+at, i); err != nil {
			return err
		}
		at += n
	}
	return nil
}

// scan reads the file annotations of every item, and parses and
// preprocesses the items that are not kyaml's form, reporting what
// kyaml's preprocessing of the whole list would: before anything is
// written.
func (l *itemList) scan() error {
	return l.each(func(item []byte, at, index int) error {
		c := canon{src: item}
		if c.check() && !c.annos.odd {
			l.format.add(c.annos.itemForms())
			return nil
		}
		_, annos, err := l.preprocessed(item, at, index)
		if err != nil {
			return err
		}
		l.format.add(formsOf(annos))
		return nil
	})
}

// write writes every item as kyaml writes it in the list: an item in
// kyaml's form as it is but for its migration id, any other parsed again,
// through kyaml's annotation bookkeeping and written by kyaml's encoder.
func (l *itemList) write(w io.Writer) error {
	want := l.format.want()
	return l.each(func(item []byte, at, index int) error {
		c := canon{src: item}
		if c.check() && c.annos.verbatim(want) {
			m := c.annos.migration
			if m[1] == 0 {
				_, err := w.Write(item)
				return err
			}
			if _, err := w.Write(item[:m[0]]); err != nil {
				return err
			}
			_, err := w.Write(item[m[1]:])
			return err
		}
		node, annos, err := l.preprocessed(item, at, index)
		if err != nil {
			return err
		}
		if err := l.format.reconcile(node, annos); err != nil {
			return err
		}
		return encodeItem(w, node)
	})
}

// preprocessed is the item at at parsed alone, and what kyaml's
// preprocessing recorded of its annotations.
func (l *itemList) preprocessed(item []byte, at, index int) (*yaml.RNode, map[string]string, error) {
	node, err := l.parse(item, at, index)
	if err != nil {
		return nil, nil, err
	}
	annos, err := preprocess(node)
	if err != nil {
		return nil, nil, fmt.Errorf("read ResourceList: %w", err)
	}
	return node, annos, nil
}

// parse parses items[index], at at, alone: as large as parsing may be.
func (l *itemList) parse(item []byte, at, index int) (*yaml.RNode, error) {
	if int64(len(item)) > l.limits.parse {
		return nil, l.limits.itemTooLarge(lineAt(l.src, at), index)
	}
	if l.parsed += int64(len(item)); l.parsed > l.limits.parsedTotal {
		return nil, l.limits.parsedTooLarge(lineAt(l.src, at), index)
	}
	node, err := parseItem(item, 0)
	if err == nil && node != nil {
		return node, nil
	}
	line := lineAt(l.src, at)
	if err == nil {
		return nil, &needsWhole{l.limits.notWhole(fmt.Sprintf("line %d: items[%d]: holds comments, which kyaml places by what is around them", line, index))}
	}
	// Again at its own line, for the message's line numbers. (The list
	// may still parse: an alias to an anchor in another item, a quoted
	// value whose lines go on at column 0.)
	_, err = parseItem(item, line)
	return nil, &needsWhole{l.limits.notWhole(fmt.Sprintf("line %d: items[%d]: does not parse on its own (%v)", line, index, err))}
}

// lineAt is the line of src that at is on, from 1.
func lineAt(src []byte, at int) int {
	return 1 + bytes.Count(src[:at], []byte("\n"))
}

// parseItem parses an item's text as it is parsed in a list, under
// "items:" (on line line-1 of the text parsed, for the lines of a
// syntax error; 0: the first). The node is nil when the text holds
// comments.
func parseItem(item []byte, line int) (*yaml.RNode, error) {
	var b bytes.Buffer
	b.Grow(max(line-2, 0) + len("items:\n") + len(item))
	for range line - 2 {
		b.WriteByte('\n')
	}
	b.WriteString("items:\n")
	b.Write(item)
	var doc yaml.Node
	if err := yaml.NewDecoder(&b).Decode(&doc); err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 || len(doc.Content[0].Content) != 2 || len(doc.Content[0].Content[1].Content) != 1 {
		return nil, fmt.Errorf("line %d: not one item", line)
	}
	if commented(&doc) {
		return nil, nil
	}
	return yaml.NewRNode(doc.Content[0].Content[1].Content[0]), nil
}

// commented reports whether any node under n holds a comment.
func commented(n *yaml.Node) bool {
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" {
		return true
	}
	for _, c := range n.Content {
		if commented(c) {
			return true
		}
	}
	return false
}

// encodeItem writes item as kyaml's writer writes it in a list's items.
func encodeItem(w io.Writer, item *yaml.RNode) error {
	if err := yaml.ClearEmptyAnnotations(item); err != nil {
		return err
	}
	return encodeNode(w, item)
}

// encodeNode writes item as kyaml's encoder writes it in a list's items.
func encodeNode(w io.Writer, item *yaml.RNode) error {
	list := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{
		Kind: yaml.MappingNode,
		Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "items"},
			{Kind: yaml.SequenceNode, Content: []*yaml.Node{item.YNode()}},
		},
	}}}
	var b bytes.Buffer
	e := yaml.NewEncoder(&b)
	if err := e.Encode(list); err != nil {
		return err
	}
	if err := e.Close(); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimPrefix(b.Bytes(), []byte("items:\n")))
	return err
}
