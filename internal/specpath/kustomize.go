package specpath

import (
	"bytes"
	"io"
	"path/filepath"
	"slices"
	"strings"

	kusttypes "sigs.k8s.io/kustomize/api/types"

	"github.com/rollspec/rollspec/internal/manifest"
	"github.com/rollspec/rollspec/release"
)

// skippedFile reports whether path names a file that is never a spec
// (a kustomization, a file a kustomization reads, or rollspec's own
// output), as a hook's list of changed files may.
func (k kustomizeInputs) skippedFile(path string) bool {
	return isKustomization(filepath.Base(path)) || k.has(path) || isGenerated(path)
}

// kustomizeInputs caches, by directory, the files the kustomization there
// reads itself: resources, patches, generator and transformer configs
// (rollspec's own ReleaseSet among them), name-reference configurations.
// None is a spec, though they sit beside specs in a kustomize base.
type kustomizeInputs map[string]map[string]bool

// has reports whether path is one of the files its directory's
// kustomization reads.
func (k kustomizeInputs) has(path string) bool {
	dir := filepath.Dir(path)
	in, ok := k[dir]
	if !ok {
		in = readKustomizeInputs(dir)
		k[dir] = in
	}
	return in[filepath.Clean(path)]
}

// readKustomizeInputs lists the local files the kustomization in dir
// names, as paths joined to dir; none when there is no kustomization.
func readKustomizeInputs(dir string) map[string]bool {
	var src []byte
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		if b, err := ReadFile(filepath.Join(dir, name), MaxConfigBytes); err == nil {
			src = b
			break
		}
	}
	if src == nil {
		return nil
	}
	var k kusttypes.Kustomization
	if err := k.Unmarshal(src); err != nil {
		return nil // not ours to judge: kustomize reports it
	}
	k.FixKustomization()
	// rollspec's own generator configs are left to the loader, which
	// checks the spec an inline Release holds.
	ours := func(r string) bool {
		b, err := ReadFile(filepath.Join(dir, r), MaxConfigBytes)
		return err == nil && bytes.Contains(b, []byte(release.ConfigGroup+"/"))
	}
	refs := slices.Concat(k.Resources, k.Crds, k.Configurations, slices.DeleteFunc(slices.Clone(k.Generators), ours), k.Transformers, k.Validators)
	for _, p := range k.PatchesStrategicMerge {
		refs = append(refs, string(p))
	}
	for _, p := range slices.Concat(k.Patches, k.PatchesJson6902) {
		refs = append(refs, p.Path)
	}
	for _, r := range k.Replacements {
		refs = append(refs, r.Path)
	}
	for _, g := range k.ConfigMapGenerator {
		refs = append(refs, generatorFiles(g.GeneratorArgs)...)
	}
	for _, g := range k.SecretGenerator {
		refs = append(refs, generatorFiles(g.GeneratorArgs)...)
	}
	for _, h := range k.HelmCharts {
		refs = append(refs, h.ValuesFile)
		refs = append(refs, h.AdditionalValuesFiles...)
	}
	refs = append(refs, k.OpenAPI["path"])
	in := map[string]bool{}
	for _, r := range refs {
		if r != "" && !strings.Contains(r, "\n") && !strings.Contains(r, "://") {
			in[filepath.Join(dir, r)] = true
		}
	}
	return in
}

// generatorFiles returns the files a ConfigMap or Secret generator reads
// (`files` entries may be `key=path`).
func generatorFiles(g kusttypes.GeneratorArgs) []string {
	var out []string
	for _, f := range g.FileSources {
		if _, path, ok := strings.Cut(f, "="); ok {
			f = path
		}
		out = append(out, f)
	}
	return append(out, g.EnvSources...)
}

func isKustomization(name string) bool {
	switch name {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return false
}

// isGenerated reports whether the file starts with rollspec's header.
func isGenerated(path string) bool {
	f, err := Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, len(generated))
	n, _ := io.ReadFull(f, buf)
	return bytes.Equal(buf[:n], []byte(generated))
}

// generated is the first line of every file rollspec writes; files that
// start with it are output, never input.
var generated = strings.TrimSuffix(manifest.Header, "\n")
