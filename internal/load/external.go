package load

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/schema"
)

// This file refuses what a CUE spec could reach beyond its own text: a
// tool package (the environment, files, commands, the network, for `cue
// cmd`'s tasks) and files embedded with @embed. Both are found in the
// syntax, before anything is built, and positioned where the user wrote
// them: CUE would otherwise report them inside its own packages
// ("tool/os:15:3") or with no place at all ("cannot embed files when not
// in a module", even in a module).

// toolPackages starts the import paths of CUE's tool packages: tool/os,
// tool/exec, tool/file, tool/http, tool/cli.
const toolPackages = "tool/"

// isToolPackage reports whether the import path p is one of CUE's tool
// packages.
func isToolPackage(p string) bool { return strings.HasPrefix(p, toolPackages) }

// embedKind is the kind of @extern attribute that embeds files, and the
// name of the attribute that says which (@extern(embed), @embed(file=…)).
const embedKind = "embed"

// embedRefused says why a file may not be embedded into a spec.
const embedRefused = ", which rollspec does not do: it reads only the spec files and CUE packages of the paths named, each bounded in size (allowed: the values written in the spec's .cue files)"

// refusedCUE reports, in the syntax of a CUE unit's files, each import of
// a tool package and each file embedded (every @embed, or the file's
// @extern(embed) when it has none): all of them at once.
func refusedCUE(files []*ast.File) diag.List {
	var errs diag.List
	for _, f := range files {
		for spec := range f.ImportSpecs() {
			if p, err := strconv.Unquote(spec.Path.Value); err == nil && isToolPackage(p) {
				errs = append(errs, &diag.Diagnostic{Pos: spec.Path.Pos(),
					Text: fmt.Sprintf("import %q: a tool package (for cue cmd's tasks) is not available in a spec, which reads no environment variable, file, command or network (allowed: CUE's packages that only compute, such as strings, list, math and regexp; values written in the spec)", p)})
			}
		}
		if extern := externEmbed(f); extern != nil {
			uses := embeds(f)
			if len(uses) == 0 {
				uses = diag.List{{Pos: extern.Pos(), Text: "@extern(embed) asks for files to be embedded"}}
			}
			for _, d := range uses {
				d.Text += embedRefused
			}
			errs = append(errs, uses...)
		}
	}
	return errs
}

// externEmbed is f's file-level @extern(embed) attribute, written before
// its package clause; nil when it has none.
func externEmbed(f *ast.File) *ast.Attribute {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Package:
			return nil
		case *ast.Attribute:
			if name, body := d.Split(); name == "extern" && strings.TrimSpace(body) == embedKind {
				return d
			}
		}
	}
	return nil
}

// embeds are the @embed attributes in f, each at the field it fills.
func embeds(f *ast.File) diag.List {
	var errs diag.List
	var labels []string // the fields around the node walked
	ast.Walk(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			labels = append(labels, labelText(n.Label))
		case *ast.Attribute:
			if n.Name() == embedKind {
				errs = append(errs, &diag.Diagnostic{Pos: n.Pos(), Field: strings.Join(labels, "."), Text: "@embed reads a file into the spec"})
			}
		}
		return true
	}, func(n ast.Node) {
		if _, ok := n.(*ast.Field); ok {
			labels = labels[:len(labels)-1]
		}
	})
	return errs
}

// inCUE reports whether p lies in CUE's own sources rather than in a file
// the user wrote: the embedded schema, or a package of CUE's standard
// library, whose positions CUE names by import path ("list", "tool/os").
// Every file rollspec hands CUE has an extension, or is standard input.
func inCUE(p token.Pos) bool {
	name := p.Filename()
	return name == schema.File || name != "" && filepath.Ext(name) == "" && !strings.HasPrefix(name, "<")
}
