package planfmt

import (
	"encoding/json"
	"io"

	"github.com/rollspec/rollspec/internal/stage"
)

// FormatVersion is the version of the JSON format (schema/plan.cue): it
// changes only when a field changes meaning or goes away; fields may be
// added.
const FormatVersion = 1

// document is the JSON format's top level.
type document struct {
	FormatVersion int        `json:"formatVersion"`
	Releases      []jsonPlan `json:"releases"`
}

type jsonPlan struct {
	*stage.Plan
	Stages []jsonStage `json:"stages"`
}

type jsonStage struct {
	*stage.Stage
	Problems []problem `json:"problems"`
}

// problem is a positioned warning or error.
type problem struct {
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Field    string `json:"field"`
	Message  string `json:"message"`
}

func writeJSON(w io.Writer, plans []*stage.Plan) error {
	doc := document{FormatVersion: FormatVersion, Releases: []jsonPlan{}}
	for _, p := range plans {
		jp := jsonPlan{Plan: p, Stages: []jsonStage{}}
		for _, s := range p.Stages {
			js := jsonStage{Stage: s, Problems: []problem{}}
			for _, d := range s.Problems {
				js.Problems = append(js.Problems, problem{
					Severity: d.Severity.String(), File: d.Pos.Filename(), Line: d.Pos.Line(), Column: d.Pos.Column(),
					Field: d.Field, Message: d.Message(""),
				})
			}
			jp.Stages = append(jp.Stages, js)
		}
		doc.Releases = append(doc.Releases, jp)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
