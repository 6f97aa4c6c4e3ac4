package manifest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	yaml3 "go.yaml.in/yaml/v3"
	kyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// parser reads a YAML stream into the JSON data model (maps, lists,
// strings, float64, bool, nil), one value per document.
type parser struct {
	name  string
	parse func([]byte) ([]any, error)
}

// parsers are the YAML readers rollspec's output must survive: kubectl's
// (documents split by apimachinery, each read by sigs.k8s.io/yaml, which
// is yaml.v2 underneath) and kustomize's (yaml.v3).
var parsers = []parser{
	{name: "kubectl", parse: parseKubectl},
	{name: "yaml.v3", parse: parseV3},
}

func parseKubectl(stream []byte) ([]any, error) {
	r := kyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(stream)))
	var docs []any
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		var v any
		if err := yaml.Unmarshal(doc, &v); err != nil {
			return nil, err
		}
		docs = append(docs, v)
	}
}

func parseV3(stream []byte) ([]any, error) {
	d := yaml3.NewDecoder(bytes.NewReader(stream))
	var docs []any
	for {
		var v any
		err := d.Decode(&v)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		// yaml.v3 reads integers as int; JSON's model has float64 only.
		j, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("%v is not JSON: %w", v, err)
		}
		var out any
		if err := json.Unmarshal(j, &out); err != nil {
			return nil, err
		}
		docs = append(docs, out)
	}
}

// parseOne reads a stream of exactly one document.
func parseOne(p parser, b []byte) (any, error) {
	docs, err := p.parse(b)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, fmt.Errorf("%d documents, want 1", len(docs))
	}
	return docs[0], nil
}
