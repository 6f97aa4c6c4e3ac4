package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/ast/astutil"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"
	cuejson "cuelang.org/go/encoding/json"
	cueyaml "cuelang.org/go/encoding/yaml"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/specpath"
)

func (j *job) loadUnit(u specpath.Unit) ([]*Spec, diag.List) {
	if u.CUE {
		// The files are read here, once, and handed to CUE's loader, which
		// would accept quietly what is refused here: a device, a huge file,
		// bytes that are not UTF-8 (which it replaces).
		var errs diag.List
		srcs := make([][]byte, len(u.Files))
		for i, f := range u.Files {
			src, d := j.limits.readSpec(f)
			if d == nil && !utf8.Valid(src) {
				d = &diag.Diagnostic{Pos: offsetPos(f, src, notUTF8(src)), Text: notUTF8Text}
			}
			if d == nil {
				d = chainTooLong(f, src)
			}
			if d != nil {
				errs = append(errs, d)
			}
			srcs[i] = src
		}
		if errs != nil {
			return nil, errs
		}
		return j.loadCUE(u.Files, srcs)
	}
	src, d := j.limits.readSpec(u.Files[0])
	if d == nil && filepath.Ext(u.Files[0]) == ".cue" && utf8.Valid(src) {
		d = chainTooLong(u.Files[0], src)
	}
	if d != nil {
		return nil, diag.List{d}
	}
	return j.loadFile(u.Files[0], src)
}

// loadFile builds one YAML, JSON or single CUE file.
func (j *job) loadFile(filename string, src []byte) ([]*Spec, diag.List) {
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, nil // an empty file (say, a shell's `> out.yaml`) holds no release
	}
	if !utf8.Valid(src) {
		return nil, diag.List{{Pos: offsetPos(filename, src, notUTF8(src)), Text: notUTF8Text}}
	}
	// Editors on Windows may start a file with a byte order mark, which
	// JSON parsers refuse and an editor's column count leaves out.
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	var doc ast.Expr       // the file's value: a release, or a list or stream of them
	var yamlFile *ast.File // the file's YAML syntax, whose numbers may need repair
	var dups diag.List     // keys given twice: problems, but the rest is checked
	var syntax diag.List   // documents of a YAML stream that do not parse
	switch filepath.Ext(filename) {
	case ".cue":
		v, errs := j.compileCUE(filename, src)
		if len(errs) > 0 {
			return nil, errs
		}
		return j.fromCUE(v, filename)
	case ".json":
		if doc, dups = jsonDocuments(filename, src); doc == nil {
			return nil, dups
		}
	default:
		// Standard input holds YAML or JSON; a JSON stream (one object
		// per line, as `jq -c` writes) is not YAML.
		if filepath.Ext(filename) == "" && startsJSON(src) {
			doc, dups = jsonDocuments(filename, src)
		}
		if doc != nil {
			break
		}
		if onlyComments(src) {
			return nil, nil // a placeholder or commented-out spec holds no release
		}
		src = bareCR(src)
		if errs := j.limits.checkAliases(filename, src); errs != nil {
			return nil, errs
		}
		if docs, plain := yamlSplit(src); plain && len(docs) >= streamMin {
			return j.fromStream(filename, src, docs)
		}
		f, err := cueyaml.Extract(filename, src)
		if err != nil {
			// A syntax error fails the whole stream; parse its documents
			// one by one so the others are still checked.
			if f, syntax = yamlDocuments(filename, src, j.limits); f == nil {
				return nil, yamlErrors(filename, src, err)
			}
		}
		j.yaml = true
		// YAML and JSON forbid a key twice; CUE would unify the values.
		top := &ast.StructLit{Elts: f.Decls}
		dups = duplicateKeys(nil, "", top)
		f.Decls = top.Elts
		yamlFile, doc = f, top
		if len(f.Decls) == 1 {
			if e, ok := f.Decls[0].(*ast.EmbedDecl); ok {
				doc = e.Expr // a stream, or a list at the top
			}
		}
	}
	dups = append(syntax, dups...)
	j.src = src
	defer func() { j.src, j.yaml = nil, false }()
	specs, errs := j.fromSyntax(doc, yamlFile, filename)
	if len(dups) > 0 {
		return nil, append(dups, errs...)
	}
	return specs, errs
}

// fromSyntax builds doc, a YAML or JSON file's value, and splits it into
// releases. yamlFile is doc's file when it is YAML, whose numbers CUE's
// YAML decoder may have written as literals that do not compile.
func (j *job) fromSyntax(doc ast.Expr, yamlFile *ast.File, filename string) ([]*Spec, diag.List) {
	// Numbers the YAML decoder wrote as literals that do not compile are
	// repaired before anything is built (building finds no other use for
	// them: a file holding one failed as a whole).
	if yamlFile != nil && mayNeedRepair(j.src) {
		repairNumbers(yamlFile, j.src)
	}
	list, ok := doc.(*ast.ListLit)
	if !ok || len(list.Elts) < streamMin {
		j.lift(doc)
		v := j.s.Context.BuildExpr(doc)
		if err := v.Err(); err != nil {
			return nil, syntaxErrors(err)
		}
		return j.fromDocuments(v, filename)
	}
	// A long list, or a stream whose documents the markers alone do not
	// delimit: built in chunks, each in a fresh context.
	chunks := (len(list.Elts) + streamChunk - 1) / streamChunk
	return j.inChunks(filename, chunks, func(cj *job, c int) ([]*Spec, diag.List) {
		from := c * streamChunk
		return cj.fromList(list.Elts[from:min(from+streamChunk, len(list.Elts))], from, filename)
	})
}

// yamlDocuments parses a YAML stream document by document, for a stream
// that does not parse as a whole: it returns the stream as a list (a
// document that does not parse is null, so the others keep their index)
// and the documents' syntax errors; nil for a single document.
func yamlDocuments(filename string, src []byte, limits Limits) (*ast.File, diag.List) {
	docs, _ := yamlSplit(src)
	if docs == nil {
		return nil, nil
	}
	var elems []ast.Expr
	var errs diag.List
	for i, d := range docs {
		end := len(src)
		if i+1 < len(docs) {
			end = docs[i+1].off
		}
		e, bad := yamlDocument(filename, src[d.off:end], d.skip, limits)
		elems = append(elems, e)
		errs = append(errs, bad...)
	}
	return &ast.File{Filename: filename, Decls: []ast.Decl{&ast.EmbedDecl{Expr: ast.NewList(elems...)}}}, errs
}

// onlyComments reports whether a YAML file holds nothing but comments and
// document markers.
func onlyComments(src []byte) bool {
	for line := range bytes.Lines(src) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("---")) && !bytes.Equal(t, []byte("...")) {
			return false
		}
	}
	return true
}

// repairNumbers rewrites the YAML numbers CUE's YAML decoder turns into
// literals that do not compile, and reports whether it found any; the file
// failed as a whole with "illegal number start", hiding every other
// problem. Integers beyond 64 bits, which YAML reads as floats and the
// decoder writes as "number & N", become plain numbers; .inf, -.inf and
// .nan, which CUE has no number for, become the strings written, which
// the schema then refuses where it wants a number.
func repairNumbers(f *ast.File, src []byte) bool {
	found := false
	written := func(n ast.Node) ast.Expr {
		found = true
		text := ".nan"
		if off := yamlOffset(src, 0, n.Pos()); n.Pos().IsValid() && off < len(src) {
			text = scalarAt(src, off)
		}
		return ast.NewString(text)
	}
	astutil.Apply(f, func(c astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.UnaryExpr:
			if lit, ok := n.X.(*ast.BasicLit); ok && lit.Kind == token.FLOAT && lit.Value == "Inf" {
				c.Replace(written(n))
				return false
			}
		case *ast.BasicLit:
			if n.Kind != token.FLOAT {
				break
			}
			if num, ok := strings.CutPrefix(n.Value, "number & "); ok {
				n.Value, found = num, true
			} else if n.Value == "+Inf" || n.Value == "NaN" {
				c.Replace(written(n))
			}
		}
		return true
	}, nil)
	return found
}

// jsonDocuments parses a JSON file: one value, or a stream of them (as
// NDJSON), which is read as the list of its values, like a YAML stream.
// With a value it returns the keys given twice (removed from it); without
// one, why the file is not JSON.
func jsonDocuments(filename string, src []byte) (ast.Expr, diag.List) {
	d := cuejson.NewDecoder(nil, filename, bytes.NewReader(src))
	var docs []ast.Expr
	for {
		expr, err := d.Extract()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *json.SyntaxError
			const allowed = " (allowed: a JSON value, or a stream of them)"
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, diag.List{{Pos: offsetPos(filename, src, len(src)), Text: "invalid JSON: unexpected end of input" + allowed}}
			}
			if errors.As(err, &se) {
				// encoding/json counts the bytes read, the bad one included.
				return nil, diag.List{{Pos: offsetPos(filename, src, int(se.Offset)-1), Text: "invalid JSON: " + se.Error() + allowed}}
			}
			return nil, syntaxErrors(err)
		}
		docs = append(docs, expr)
	}
	var doc ast.Expr = &ast.ListLit{Elts: docs}
	if len(docs) == 1 {
		doc = docs[0]
	}
	// JSON forbids a key twice; CUE would unify the values.
	return doc, duplicateKeys(nil, "", doc)
}

// startsJSON reports whether src opens as a JSON object or array does.
func startsJSON(src []byte) bool {
	src = bytes.TrimLeft(src, " \t\r\n")
	return len(src) > 0 && (src[0] == '{' || src[0] == '[')
}

// notUTF8Text says a file is not UTF-8.
const notUTF8Text = "is not UTF-8 text (allowed: a YAML, JSON or CUE file in UTF-8)"

// notUTF8 is the offset of src's first byte that is not UTF-8.
func notUTF8(src []byte) int {
	i := 0
	for i < len(src) {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		i += n
	}
	return i
}

// offsetPos is the position of byte offset in src.
func offsetPos(filename string, src []byte, offset int) token.Pos {
	f := token.NewFile(filename, -1, len(src))
	f.SetLinesForContent(src)
	return f.Pos(min(max(offset, 0), len(src)), token.NoRelPos)
}

// yamlOffset is the byte offset in src of p, a position CUE's YAML
// decoder gave: it adds the column, which the YAML parser counts in
// characters, to the line's byte offset, so p.Offset() falls short after
// a multi-byte character on the line. The line and column are right.
// src is the part of the file after its first skip lines.
func yamlOffset(src []byte, skip int, p token.Pos) int {
	return lineColOffset(src, p.Line()-skip, p.Column())
}

// lineColOffset is the byte offset in src of line and column, the column
// counted in characters as the YAML parser counts it.
func lineColOffset(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line && off < len(src); l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	for range col - 1 {
		if off >= len(src) || src[off] == '\n' {
			break
		}
		_, n := utf8.DecodeRune(src[off:])
		off += n
	}
	return off
}

// lineColPos is the position of line and column (in characters) in src.
func lineColPos(filename string, src []byte, line, col int) token.Pos {
	return offsetPos(filename, src, lineColOffset(src, line, col))
}

// linePos is column 1 of line in filename, for a problem known only by
// its line.
func linePos(filename string, line int) token.Pos {
	f := token.NewFile(filename, -1, line)
	starts := make([]int, line)
	for i := range starts {
		starts[i] = i
	}
	f.SetLines(starts)
	return f.Pos(line-1, token.NoRelPos)
}

// syntaxErrors converts a parse error into a diag.List.
func syntaxErrors(err error) diag.List { return cueErrors(err, nil) }

// cueErrors converts the errors of a CUE file's value into a diag.List,
// those of b's guards (nil for none) worded for the user.
func cueErrors(err error, b *bounds) diag.List {
	var l diag.List
	for _, e := range errors.Errors(err) {
		if d := b.tooLarge(e); d != nil {
			l = append(l, d)
			continue
		}
		pos := e.Position()
		for _, p := range errors.Positions(e) {
			if !pos.IsValid() && p.IsValid() {
				pos = p
			}
		}
		if !pos.IsValid() {
			// Not positioned by CUE: the decoder's own "file:line:" becomes
			// a position (column 1), so the problem sorts among the others.
			text := e.Error()
			if m := lineOnly.FindStringSubmatch(text); m != nil {
				if line, err := strconv.Atoi(m[2]); err == nil && line > 0 {
					if yamlParserProblems[m[3]] {
						line++
					}
					l = append(l, &diag.Diagnostic{Pos: linePos(m[1], line), Text: m[3]})
					continue
				}
			}
			l = append(l, &diag.Diagnostic{Text: text})
			continue
		}
		format, args := e.Msg()
		text := fmt.Sprintf(format, args...)
		if full := e.Error(); strings.HasPrefix(full, text+": ") {
			text = full // a wrapped cause, as CUE's loader gives why an import failed
			text = strings.Replace(text, pos.String()+": ", "", 1)
		}
		l = append(l, &diag.Diagnostic{Pos: pos, Field: strings.Join(e.Path(), "."), Text: text})
	}
	return l
}

// bareCR makes each carriage return that ends a line without a line feed
// (old Mac line ends) a line feed: YAML reads both as a line break, but
// the YAML parser indexes past its buffer on them. The length stays, so
// offsets do too.
func bareCR(src []byte) []byte {
	i := bytes.IndexByte(src, '\r')
	if i < 0 {
		return src
	}
	out := slices.Clone(src)
	for ; i < len(out); i++ {
		if out[i] == '\r' && (i+1 == len(out) || out[i+1] != '\n') {
			out[i] = '\n'
		}
	}
	return out
}

// yamlErrors converts a YAML syntax error into problems, positioning
// those go-yaml gives without a line (it leaves out line 1, and gives
// none for control characters or an alias to no anchor, which are found
// in src), each saying what YAML allows there.
func yamlErrors(filename string, src []byte, err error) diag.List {
	l := syntaxErrors(err)
	for _, d := range l {
		if msg, ok := strings.CutPrefix(d.Text, filename+": "); ok && !d.Pos.IsValid() {
			d.Text = msg
			switch off := yamlProblemOffset(src, msg); {
			case off >= 0:
				d.Pos = offsetPos(filename, src, off)
			default:
				d.Pos = linePos(filename, 1)
			}
		}
		if !strings.Contains(d.Text, "(allowed: ") {
			d.Text += " (allowed: " + yamlAllowed(d.Text) + ")"
		}
	}
	return l
}

// controlChar is the offset of the first character YAML does not allow
// in a file (C0 controls but tab, line feed and carriage return; DEL; C1
// controls; U+FFFE and U+FFFF), -1 when there is none.
func controlChar(src []byte) int {
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0xfffe, r == 0xffff:
			return i
		}
		i += n
	}
	return -1
}

// aliasOffset is the offset of the first alias *name in src, -1 when
// there is none.
func aliasOffset(src []byte, name string) int {
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte("*"+name))
		if i < 0 {
			return -1
		}
		end := off + i + 1 + len(name)
		if end == len(src) || strings.IndexByte(" \t\r\n,]}", src[end]) >= 0 {
			return off + i
		}
		off = end
	}
}

// mayNeedRepair reports whether YAML src may hold a number repairNumbers
// rewrites: .inf or .nan in any spelling, or an integer of 20 digits or
// more (beyond 64 bits). Most files hold none, and are not walked.
func mayNeedRepair(src []byte) bool {
	for _, w := range []string{".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"} {
		if bytes.Contains(src, []byte(w)) {
			return true
		}
	}
	run := 0
	for _, c := range src {
		if c >= '0' && c <= '9' {
			if run++; run >= 20 {
				return true
			}
			continue
		}
		run = 0
	}
	return false
}
