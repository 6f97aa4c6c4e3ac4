package fn

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/rollspec/rollspec/internal/specpath"
)

// Run reads a ResourceList from in, compiles it and writes the result to
// out; the error is non-nil when any release is invalid (the ResourceList
// is written then too, its results saying why).
//
// The items pass through: rollspec reads only its function config. A
// ResourceList as kyaml writes one (kustomize, kpt) is not parsed whole:
// its other fields are, and each item whose text is exactly what kyaml's
// encoder would write for it again (canon) is written as it is, without
// building its nodes; any other item is parsed alone and written back by
// kyaml. The output is the one kyaml writes having parsed the whole list,
// to the byte, at a cost of memory of about the input's size rather than
// a hundred times it. What it accepts is sized by the loader's memory
// limit (limits).
func Run(p *Processor, in io.Reader, out io.Writer) error {
	l := limitsOf(p.Loader.Limits.Memory())
	src, err := readInput(in, l.input)
	switch {
	case errors.Is(err, specpath.ErrTooLarge):
		return l.inputTooLarge()
	case err != nil:
		return fmt.Errorf("read ResourceList: %w", err)
	}
	start, end, ok := findItems(src)
	if !ok {
		return p.whole(l, src, out, nil)
	}
	if int64(len(src)-(end-start)) > l.parse {
		return l.fieldsTooLarge()
	}
	skel := skeleton(src, start, end)
	if !carved(skel, lineAt(src, start)-1, lineAt(src, end)) {
		// The lines were not the items of a ResourceList's top level.
		return p.whole(l, src, out, nil)
	}
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(skel), KeepReaderAnnotations: true}
	if none, err := rw.Read(); err != nil || len(none) > 0 {
		return p.whole(l, src, out, err)
	}
	list := &itemList{src: src, start: start, end: end, limits: l}
	if err := list.scan(); err != nil {
		var whole *needsWhole
		if errors.As(err, &whole) {
			return p.whole(l, src, out, err)
		}
		return err
	}
	rl := &ResourceList{FunctionConfig: rw.FunctionConfig}
	perr := p.Process(rl)
	if err := list.format.check(); err != nil {
		return fmt.Errorf("write ResourceList: %w", err)
	}
	if err := kio.ReconcileInternalAnnotations(rl.Items, list.format.migrationMap()); err != nil {
		return fmt.Errorf("write ResourceList: %w", err)
	}
	if err := setResults(rw, rl); err != nil {
		return err
	}
	// kyaml writes the list with a stand-in for the input's items, which
	// are written in its place.
	var head bytes.Buffer
	rw.Writer = &head
	if err := rw.Write(append([]*yaml.RNode{standIn()}, rl.Items...)); err != nil {
		return fmt.Errorf("write ResourceList: %w", err)
	}
	before, after, ok := splitStandIn(head.Bytes())
	if !ok {
		return fmt.Errorf("write ResourceList: kyaml did not write the stand-in for the items once (please report it):\n%s", head.Bytes())
	}
	w := bufio.NewWriterSize(out, 64<<10)
	w.Write(before)
	if err := list.write(w); err != nil {
		return fmt.Errorf("write ResourceList: %w", err)
	}
	w.Write(after)
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write ResourceList: %w", err)
	}
	return perr
}

// whole runs the function on src parsed whole, if it is small enough to;
// otherwise it is refused, with the problem that sent it there (an item
// that cannot be parsed alone, a syntax error of the list without its
// items) when there is one.
func (p *Processor) whole(l limits, src []byte, out io.Writer, why error) error {
	if int64(len(src)) <= l.parse {
		return p.runWhole(src, out)
	}
	var item *needsWhole
	switch {
	case errors.As(why, &item):
		return item.err
	case why != nil:
		return l.notWhole(fmt.Sprintf("its fields other than items do not parse on their own (%v)", why))
	}
	return l.wholeTooLarge()
}

// standInLine is the line kyaml writes for the stand-in for the input's
// items: a line at column 0 starting with "- " starts an item or a
// result, and theirs are "- apiVersion: …", "- message: …" and so on.
const standInLine = "- rollspec.dev/input-items: here\n"

// standIn is the item kyaml writes in place of the input's items.
func standIn() *yaml.RNode {
	return yaml.NewMapRNode(&map[string]string{"rollspec.dev/input-items": "here"})
}

// splitStandIn splits what kyaml wrote around the stand-in's line.
func splitStandIn(b []byte) (before, after []byte, ok bool) {
	line := []byte("\n" + standInLine)
	i := bytes.Index(b, line)
	if i < 0 || bytes.Count(b, line) != 1 {
		return nil, nil, false
	}
	return b[:i+1], b[i+len(line):], true
}
