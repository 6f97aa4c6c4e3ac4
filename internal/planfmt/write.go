package planfmt

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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
// with the stage it belongs to.
func table(w io.Writer, plans []*stage.Plan, cwd string) error {
	for i, p := range plans {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, title(p))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  "+strings.Join(columns(p), "\t"))
		for _, s := range p.Stages {
			fmt.Fprintln(tw, "  "+strings.Join(row(p, s), "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if note := rolloutNote(p); note != "" {
			fmt.Fprintf(w, "  %s\n", note)
		}
		for _, s := range p.Stages {
			for _, d := range s.Problems {
				fmt.Fprintf(w, "  %s: %s\n", s.Name, d.Line(cwd))
			}
		}
	}
	return nil
}

// markdown writes each plan as a section with a table and its problems,
// for a pull-request comment.
func markdown(w io.Writer, plans []*stage.Plan, cwd string) error {
	// Outside code spans a value the spec wrote (a match's header value)
	// could be HTML in the comment: it is escaped, as is the table's
	// column separator.
	esc := strings.NewReplacer("|", `\|`, "\n", " ")
	text := strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "&", "&amp;")
	for i, p := range plans {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "### `%s/%s`: %s%s (%s, traffic %s)\n\n", p.Namespace, p.Name, p.Strategy, at(p), p.Workload, p.Traffic)
		cols := columns(p)
		for j := range cols {
			cols[j] = text.Replace(strings.ToUpper(cols[j][:1]) + strings.ToLower(cols[j][1:]))
		}
		// Routes keep their object's name as written.
		for j, name := range routeNames(p) {
			cols[3+j] = text.Replace(routeHeading(p, name))
		}
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat(" --- |", len(cols)))
		for _, s := range p.Stages {
			cells := row(p, s)
			for j := range cells {
				if j == 1 && cells[j] != "" {
					cells[j] = "`" + esc.Replace(cells[j]) + "`"
					continue
				}
				cells[j] = text.Replace(cells[j])
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
		if note := rolloutNote(p); note != "" {
			fmt.Fprintf(w, "\n%s\n", text.Replace(note))
		}
		var problems []string
		for _, s := range p.Stages {
			for _, d := range s.Problems {
				problems = append(problems, fmt.Sprintf("- **%s** `%s`", s.Name, esc.Replace(d.Line(cwd))))
			}
		}
		if len(problems) > 0 {
			fmt.Fprintf(w, "\n%s\n", strings.Join(problems, "\n"))
		}
	}
	return nil
}
