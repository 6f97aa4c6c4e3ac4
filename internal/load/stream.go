package load

import (
	"bytes"
	"slices"
	"strconv"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
	cueyaml "cuelang.org/go/encoding/yaml"

	"github.com/rollspec/rollspec/internal/diag"
)

// A long YAML stream (10,000 releases in one file, as a generator writes
// them) is read in chunks of documents: each chunk is parsed, built and
// validated on its own, in a fresh CUE context, and only its releases are
// kept. Parsing the whole stream first would hold the syntax of every
// document at once, the largest part of the memory such a file costs.

// streamMin is from how many documents on a stream is read in chunks of
// streamChunk, each chunk in a fresh context, so that memory stays flat
// however long the stream; a short stream is built at once.
const streamMin = 64

// streamChunk is how many documents of a long stream one goroutine parses
// and validates in one context.
const streamChunk = 128

// document is where one document of a YAML stream starts: its byte offset
// and the number of lines before it.
type document struct{ off, skip int }

// yamlSplit finds the documents of a YAML stream by its "---" lines: such
// a line at column 0 starts a document wherever it is, even inside a
// block scalar, which is how a YAML parser reads it. plain is false when a
// line is a directive ("%YAML") or a document end marker ("..."), after
// which the markers alone do not say where documents start. docs is nil
// for a file without a marker.
func yamlSplit(src []byte) (docs []document, plain bool) {
	plain = true
	seen := false // content since the last start
	lines := 0
	for off := 0; off < len(src); lines++ {
		line := src[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		switch {
		case marker(line, "---"):
			if seen || len(docs) > 0 {
				docs = append(docs, document{off, lines})
			}
			seen = false
		case marker(line, "..."), len(line) > 0 && line[0] == '%':
			plain = false
		default:
			if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
				seen = true
			}
		}
		off += len(line)
	}
	if len(docs) == 0 {
		return nil, plain
	}
	return append([]document{{}}, docs...), plain
}

// marker reports whether line is the document marker m, alone or followed
// by a blank.
func marker(line []byte, m string) bool {
	rest, ok := bytes.CutPrefix(line, []byte(m))
	return ok && (len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r')
}

// fromStream validates the documents docs of the YAML stream src in
// chunks, in parallel, in order.
func (j *job) fromStream(filename string, src []byte, docs []document) ([]*Spec, diag.List) {
	chunks := (len(docs) + streamChunk - 1) / streamChunk
	return j.inChunks(filename, chunks, func(cj *job, c int) ([]*Spec, diag.List) {
		from, to := c*streamChunk, min((c+1)*streamChunk, len(docs))
		end := len(src)
		if to < len(docs) {
			end = docs[to].off
		}
		elems, errs := yamlChunk(filename, src, docs[from:to], end, cj.limits)
		// YAML forbids a key twice; CUE would unify the values.
		for i, e := range elems {
			errs = duplicateKeys(errs, "["+strconv.Itoa(from+i)+"]", e)
		}
		cj.src, cj.skip, cj.yaml = src[docs[from].off:end], docs[from].skip, true
		specs, e := cj.fromList(elems, from, filename)
		if len(errs) > 0 {
			return nil, append(errs, e...)
		}
		return specs, e
	})
}

// yamlChunk parses the documents docs of src, the last of which ends at
// end, as one stream; when that fails, one by one, so that the others are
// still checked. A document that does not parse is null, so the others
// keep their index. Positions are those of the file.
func yamlChunk(filename string, src []byte, docs []document, end int, limits Limits) ([]ast.Expr, diag.List) {
	text := src[docs[0].off:end]
	if f, err := cueyaml.Extract(filename, text); err == nil {
		if mayNeedRepair(text) {
			repairNumbers(f, text)
		}
		if elems := streamElems(f, len(docs)); elems != nil {
			shiftLines(f, docs[0].skip)
			return elems, nil
		}
	}
	var elems []ast.Expr
	var errs diag.List
	for i, d := range docs {
		next := end
		if i+1 < len(docs) {
			next = docs[i+1].off
		}
		e, bad := yamlDocument(filename, src[d.off:next], d.skip, limits)
		elems = append(elems, e)
		errs = append(errs, bad...)
	}
	return elems, errs
}

// yamlDocument parses the one document text, which has skip lines of its
// file before it: its value, or null and why it does not parse.
func yamlDocument(filename string, text []byte, skip int, limits Limits) (ast.Expr, diag.List) {
	if onlyComments(text) {
		return ast.NewNull(), nil // as the whole stream's parse gives it
	}
	// The whole stream's alias check stopped at the document that does
	// not parse: each document is checked on its own.
	if bad := limits.checkAliases(filename, text); bad != nil {
		return ast.NewNull(), shiftDiags(bad, skip)
	}
	f, err := cueyaml.Extract(filename, text)
	if err != nil {
		return ast.NewNull(), shiftDiags(yamlErrors(filename, text, err), skip)
	}
	if mayNeedRepair(text) {
		repairNumbers(f, text)
	}
	shiftLines(f, skip)
	return streamElems(f, 1)[0], nil
}

// streamElems returns the n documents of f, a YAML stream's syntax, or nil
// when f holds another number of documents.
func streamElems(f *ast.File, n int) []ast.Expr {
	if n == 1 {
		if len(f.Decls) == 1 {
			if e, ok := f.Decls[0].(*ast.EmbedDecl); ok {
				return []ast.Expr{e.Expr} // a list at the top
			}
		}
		return []ast.Expr{&ast.StructLit{Elts: f.Decls}}
	}
	if len(f.Decls) == 1 {
		if e, ok := f.Decls[0].(*ast.EmbedDecl); ok {
			if l, ok := e.Expr.(*ast.ListLit); ok && len(l.Elts) == n {
				return l.Elts
			}
		}
	}
	return nil
}

// shiftLines moves the positions of n, parsed from a part of its file
// with skip lines before it, to their lines in the file. Positions are
// resolved when read, so every value and problem built from n is moved.
func shiftLines(n ast.Node, skip int) {
	if skip == 0 {
		return
	}
	done := false
	ast.Walk(n, func(n ast.Node) bool {
		if p := n.Pos(); !done && p.IsValid() {
			// All of n's positions are in one token.File: the parser's.
			p.File().AddLineInfo(0, p.Filename(), skip+1)
			done = true
		}
		return !done
	}, nil)
}

// shiftDiags moves the positions of problems found in a part of a file
// with skip lines before it to their lines in the file.
func shiftDiags(l diag.List, skip int) diag.List {
	for _, d := range l {
		if skip > 0 && d.Pos.IsValid() {
			// Each problem's position is in a file of its own or the
			// parser's, never one another part shares.
			d.Pos.File().AddLineInfo(0, d.Pos.Filename(), skip+1)
		}
	}
	return l
}

// inChunks runs validate for chunks 0 to n-1 of a long stream on up to
// j.parallel goroutines, each chunk with a fresh context, and returns
// their releases and problems in chunk order.
func (j *job) inChunks(filename string, n int, validate func(cj *job, c int) ([]*Spec, diag.List)) ([]*Spec, diag.List) {
	specs := make([][]*Spec, n)
	errs := make([]diag.List, n)
	own := make([]bool, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(j.parallel, n) {
		wg.Go(func() {
			for c := range next {
				w, err := newWorker()
				if err != nil {
					errs[c] = diag.List{{Text: err.Error()}}
					continue
				}
				cj := &job{worker: w, limits: j.limits, parallel: 1, progress: j.progress, src: j.src, skip: j.skip, yaml: j.yaml}
				// A panic here is this goroutine's: guard it too, or it
				// would end the process.
				specs[c], errs[c], _ = guard(filename, func() ([]*Spec, diag.List) { return validate(cj, c) })
				own[c] = cj.own
			}
		})
	}
	for c := range n {
		next <- c
	}
	close(next)
	wg.Wait()
	j.own = slices.Contains(own, true)
	return slices.Concat(specs...), slices.Concat(errs...)
}

// fromList validates elems, the elements from index first on of a stream
// or list.
func (j *job) fromList(elems []ast.Expr, first int, filename string) ([]*Spec, diag.List) {
	var specs []*Spec
	var errs diag.List
	for i, e := range elems {
		j.lift(e)
		v := j.s.Context.BuildExpr(e)
		switch {
		case v.Err() != nil:
			errs = append(errs, syntaxErrors(v.Err())...)
		case v.Kind() == cue.NullKind:
			// an empty document, as after a trailing "---"
		default:
			s, e := j.validate(v, cue.MakePath(cue.Index(first+i)), filename, token.NoPos)
			specs = append(specs, s...)
			errs = append(errs, e...)
		}
	}
	return specs, errs
}
