package planfmt

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/stage"
)

// Write writes plans to w in format (one of Formats), file names in
// problems relative to cwd.
func Write(w io.Writer, format string, plans []*stage.Plan, cwd string) error {
	switch format {
	case "", "table":
		return table(w, plans, cwd)
	case "markdown":
		return markdown(w, plans, cwd)
	case "json":
		return writeJSON(w, plans)
	case "svg":
		_, err := w.Write(SVG(plans))
		return err
	}
	return fmt.Errorf("format: unknown %q (allowed: %s)", format, strings.Join(Formats, ", "))
}

// title names a release and how it is released.
func title(p *stage.Plan) string {
	return fmt.Sprintf("%s/%s: %s%s, %s, traffic %s", p.Namespace, p.Name, p.Strategy, at(p), p.Workload, p.Traffic)
}

// at says where a release that moves in steps is now: " at step 1 of 3".
func at(p *stage.Plan) string {
	if len(p.Stages) == 0 || p.Stages[0].Release.Candidate == nil {
		return ""
	}
	if steps, step, ok := p.Stages[0].Release.Strategy.Stepped(); ok {
		return fmt.Sprintf(" at step %d of %d", step, steps)
	}
	return ""
}

// columns are the table's headings: the routes get one each.
func columns(p *stage.Plan) []string {
	cols := []string{"STAGE", "CHANGE", "PODS"}
	for _, name := range routeNames(p) {
		cols = append(cols, routeHeading(p, name))
	}
	return append(cols, "ON THE WAY")
}

// row is one stage's cells, in columns' order.
func row(p *stage.Plan, s *stage.Stage) []string {
	cells := []string{s.Name, s.Edit, podsCell(s.Pods)}
	for _, name := range routeNames(p) {
		cells = append(cells, routeOf(s, name))
	}
	return append(cells, moveCell(s))
}

// table writes each plan as an aligned table, then its problems, each
// with the stage it belongs to. Every cell is written on its line and in
// its column (inert.Line): a value's control characters, tabs and line
// breaks escaped.
func table(w io.Writer, plans []*stage.Plan, cwd string) error {
	cells := func(cs []string) string {
		for i := range cs {
			cs[i] = inert.Line(cs[i])
		}
		return "  " + strings.Join(cs, "\t")
	}
	for i, p := range plans {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, inert.Line(title(p)))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, cells(columns(p)))
		for _, s := range p.Stages {
			fmt.Fprintln(tw, cells(row(p, s)))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if note := rolloutNote(p); note != "" {
			fmt.Fprintf(w, "  %s\n", inert.Line(note))
		}
		for _, s := range p.Stages {
			for _, d := range s.Problems {
				fmt.Fprintf(w, "  %s: %s\n", inert.Line(s.Name), d.Line(cwd))
			}
		}
	}
	return nil
}

// markdown writes each plan as a section with a table and its problems,
// for a pull-request comment. Every value is inert there: a cell is text
// when nothing in it is markup, else a code span (inert.Text); the
// change a stage makes and each problem are code spans (inert.Code).
func markdown(w io.Writer, plans []*stage.Plan, cwd string) error {
	for i, p := range plans {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "### %s: %s\n\n", inert.Code(p.Namespace+"/"+p.Name), inert.Text(fmt.Sprintf("%s%s (%s, traffic %s)", p.Strategy, at(p), p.Workload, p.Traffic)))
		cols := columns(p)
		for j := range cols {
			cols[j] = strings.ToUpper(cols[j][:1]) + strings.ToLower(cols[j][1:])
		}
		// Routes keep their object's name as written.
		for j, name := range routeNames(p) {
			cols[3+j] = routeHeading(p, name)
		}
		for j := range cols {
			cols[j] = inert.Cell(inert.Text(cols[j]))
		}
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat(" --- |", len(cols)))
		for _, s := range p.Stages {
			cells := row(p, s)
			for j := range cells {
				if j == 1 && cells[j] != "" {
					cells[j] = inert.Cell(inert.Code(cells[j]))
					continue
				}
				cells[j] = inert.Cell(inert.Text(cells[j]))
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
		if note := rolloutNote(p); note != "" {
			fmt.Fprintf(w, "\n%s\n", inert.Text(note))
		}
		var problems []string
		for _, s := range p.Stages {
			for _, d := range s.Problems {
				problems = append(problems, fmt.Sprintf("- **%s** %s", inert.Text(s.Name), inert.Code(d.Line(cwd))))
			}
		}
		if len(problems) > 0 {
			fmt.Fprintf(w, "\n%s\n", strings.Join(problems, "\n"))
		}
	}
	return nil
}
