package fn

import (
	"bytes"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// runWhole runs the function on src parsed whole into kyaml's nodes, as
// kyaml's own function framework does: for a ResourceList whose items are
// not where runList finds them (not kyaml's block style, JSON, several
// documents). It costs about parseCost bytes of memory per byte of src.
func (p *Processor) runWhole(src []byte, out io.Writer) error {
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(src), Writer: out, KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		return fmt.Errorf("read ResourceList: %w", err)
	}
	// Runners give the items' file annotations in the legacy form, the
	// internal one or both; keep the items' form whichever it is.
	annotations, err := kio.PreprocessResourcesForInternalAnnotationMigration(items)
	if err != nil {
		return fmt.Errorf("read ResourceList: %w", err)
	}
	rl := &ResourceList{Items: items, FunctionConfig: rw.FunctionConfig}
	perr := p.Process(rl)
	if err := kio.ReconcileInternalAnnotations(rl.Items, annotations); err != nil {
		return fmt.Errorf("write ResourceList: %w", err)
	}
	if err := setResults(rw, rl); err != nil {
		return err
	}
	if err := rw.Write(rl.Items); err != nil {
		return fmt.Errorf("write ResourceList: %w", err)
	}
	return perr
}

// setResults puts rl's results into what rw writes, when there are any;
// otherwise rw writes the results it read.
func setResults(rw *kio.ByteReadWriter, rl *ResourceList) error {
	if len(rl.Results) == 0 {
		return nil
	}
	rs, err := yaml.Marshal(rl.Results)
	if err != nil {
		return fmt.Errorf("write ResourceList results: %w", err)
	}
	if rw.Results, err = yaml.Parse(string(rs)); err != nil {
		return fmt.Errorf("write ResourceList results: %w", err)
	}
	return nil
}
