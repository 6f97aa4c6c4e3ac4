package fn_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/rollspec/rollspec/internal/fn"
	"github.com/rollspec/rollspec/internal/load"
)

// releaseConfig is a function config with an inline spec.
const releaseConfig = "apiVersion: rollspec.dev/v1alpha1\nkind: Release\nmetadata: {name: web}\nspec:\n" + "    name: web\n    namespace: shop\n    image: example/web\n    ports: [{name: http, containerPort: 8080}]\n    stable: {version: \"v1\", tag: \"1\"}\n    readinessProbe: {http: {path: /}}\n    strategy: {ramped: {maxSurge: 1, maxUnavailable: 0}}\n"

// kyamlList is a ResourceList of items (each YAML text) and config as
// kustomize writes one for a function: kyaml's writer, with the reader's
// annotations kept.
func kyamlList(t testing.TB, config string, items ...string) []byte {
	t.Helper()
	var nodes []*kyaml.RNode
	for _, it := range items {
		n, err := kyaml.Parse(it)
		if err != nil {
			t.Fatalf("item %q: %v", it, err)
		}
		nodes = append(nodes, n)
	}
	var b bytes.Buffer
	w := kio.ByteWriter{Writer: &b, KeepReaderAnnotations: true, WrappingAPIVersion: kio.ResourceListAPIVersion, WrappingKind: kio.ResourceListKind, FunctionConfig: kyaml.MustParse(config)}
	if err := w.Write(nodes); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// kustomizeItem is a ConfigMap as kustomize hands it to a function: its
// file annotations in both forms and a migration id.
func kustomizeItem(i int, data string) string {
	n := itoa(i)
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    config.kubernetes.io/index: '" + n + "'\n    internal.config.kubernetes.io/index: '" + n + "'\n    internal.config.kubernetes.io/annotations-migration-resource-id: '" + n + "'\n    internal.config.kubernetes.io/id: '" + n + "'\n    config.k8s.io/id: '" + n + "'\n  name: cm-" + n + "\ndata:\n" + data
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// sameAsWhole runs Run and RunWhole on src and fails when their output,
// warnings or error differ.
func sameAsWhole(t *testing.T, p *fn.Processor, src []byte) {
	t.Helper()
	var out, warn, wout, wwarn bytes.Buffer
	q := *p
	q.Warnings = &warn
	err := fn.Run(&q, bytes.NewReader(src), &out)
	q.Warnings = &wwarn
	werr := fn.RunWhole(&q, src, &wout)
	if errText(err) != errText(werr) {
		t.Errorf("error = %v\nwant (parsed whole) %v\ninput:\n%s", err, werr, src)
	}
	if !bytes.Equal(out.Bytes(), wout.Bytes()) {
		t.Errorf("output differs from the list parsed whole:\n%s\nwant:\n%s\ninput:\n%s", out.Bytes(), wout.Bytes(), src)
	}
	if warn.String() != wwarn.String() {
		t.Errorf("warnings %q, want %q", warn.String(), wwarn.String())
	}
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestRunMatchesWhole: Run writes, to the byte, what running on the list
// parsed whole writes (the ResourceList kyaml writes), and fails alike:
// for lists as kustomize writes them, whose items pass through as text,
// and for everything else, parsed alone or whole.
func TestRunMatchesWhole(t *testing.T) {
	p := &fn.Processor{Loader: &load.Loader{}, Dir: t.TempDir()}
	for _, tc := range lists(t) {
		t.Run(tc.name, func(t *testing.T) { sameAsWhole(t, p, tc.src) })
	}
}

// FuzzRunMatchesWhole: on any input, Run writes what running on the list
// parsed whole writes, and fails when it fails, or refuses it, naming the
// memory limit. The limit is small, so that the items are handled one by
// one rather than the whole list parsed; the seeds' configs are of an
// unknown kind, which fails at once: what is fuzzed is the list, not
// compiling specs.
func FuzzRunMatchesWhole(f *testing.F) {
	for _, tc := range lists(f) {
		f.Add(bytes.ReplaceAll(tc.src, []byte("kind: Release\n"), []byte("kind: Rollout\n")))
	}
	p := &fn.Processor{Loader: &load.Loader{Limits: load.Limits{MemoryBytes: 384 << 10}}, Dir: f.TempDir()}
	f.Fuzz(func(t *testing.T, src []byte) { matchesWhole(t, p, src) })
}

// TestRunMutations: FuzzRunMatchesWhole's property on 2,000 variations of
// its seeds (the same each run). Such variations found lines at column 0
// inside an item (a quoted value going on, a block scalar's header) taken
// for the end of the items, and comments that land outside an item
// parsed alone, which the fuzzer had not.
func TestRunMutations(t *testing.T) {
	p := &fn.Processor{Loader: &load.Loader{Limits: load.Limits{MemoryBytes: 384 << 10}}, Dir: t.TempDir()}
	var seeds [][]byte
	for _, tc := range lists(t) {
		seeds = append(seeds, bytes.ReplaceAll(tc.src, []byte("kind: Release\n"), []byte("kind: Rollout\n")))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		matchesWhole(t, p, fn.Mutate(r, seeds[r.IntN(len(seeds))], 0))
		if t.Failed() {
			return
		}
	}
}

// matchesWhole fails when Run's output on src differs from the list's
// parsed whole, or Run fails where that does not, but to name a limit.
func matchesWhole(t *testing.T, p *fn.Processor, src []byte) {
	t.Helper()
	var out, wout bytes.Buffer
	err := fn.Run(p, bytes.NewReader(src), &out)
	if err != nil && strings.Contains(err.Error(), "raise with --max-memory") {
		return
	}
	werr := fn.RunWhole(p, src, &wout)
	if (err == nil) != (werr == nil) || !bytes.Equal(out.Bytes(), wout.Bytes()) {
		t.Errorf("input %q\nerror = %v, output:\n%s\nwant (parsed whole) %v, output:\n%s", src, err, out.Bytes(), werr, wout.Bytes())
	}
}

// lists are ResourceLists of every shape.
func lists(t testing.TB) []struct {
	name string
	src  []byte
} {
	cm := func(name string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  a: b\n"
	}
	annotated := func(annos string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n" + annos + "  name: x\ndata:\n  a: b\n"
	}
	kz := kyamlList(t, releaseConfig, kustomizeItem(0, "  k: |\n    line\n\n    end\n"), kustomizeItem(1, "  q: \"1\"\n  e: \"\\t\\U0001F600\"\n"), kustomizeItem(2, "  s: 'it''s'\n"))
	return []struct {
		name string
		src  []byte
	}{
		{"kustomize's items", kz},
		{"kustomize's items, CRLF", bytes.ReplaceAll(kz, []byte("\n"), []byte("\r\n"))},
		{"no annotations", kyamlList(t, releaseConfig, cm("a"), cm("b"))},
		{"legacy annotations only", kyamlList(t, releaseConfig, annotated("    config.kubernetes.io/path: a.yaml\n    config.kubernetes.io/index: '0'\n"), annotated("    config.kubernetes.io/index: '1'\n    other: x\n"))},
		{"internal annotations only", kyamlList(t, releaseConfig, annotated("    internal.config.kubernetes.io/path: a.yaml\n"), cm("b"))},
		{"one form missing of one pair", kyamlList(t, releaseConfig, annotated("    internal.config.kubernetes.io/path: a.yaml\n    config.kubernetes.io/path: a.yaml\n    config.kubernetes.io/index: '0'\n"))},
		{"forms that differ across items", kyamlList(t, releaseConfig, annotated("    internal.config.kubernetes.io/path: a.yaml\n"), annotated("    config.kubernetes.io/path: b.yaml\n"))},
		{"two forms with different values", kyamlList(t, releaseConfig, annotated("    internal.config.kubernetes.io/index: '0'\n    config.kubernetes.io/index: '1'\n"))},
		{"two forms, values quoted differently", kyamlList(t, releaseConfig, annotated("    internal.config.kubernetes.io/index: '0'\n    config.kubernetes.io/index: \"0\"\n"))},
		{"migration id alone", kyamlList(t, releaseConfig, annotated("    internal.config.kubernetes.io/annotations-migration-resource-id: '0'\n"))},
		{"migration id, wrong number", kyamlList(t, releaseConfig, annotated("    internal.config.kubernetes.io/annotations-migration-resource-id: '7'\n    a: b\n"))},
		{"file annotation null", kyamlList(t, releaseConfig, annotated("    config.kubernetes.io/path: null\n    a: b\n"))},
		{"empty annotations", kyamlList(t, releaseConfig, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations: {}\n  name: x\n")},
		{"empty metadata", kyamlList(t, releaseConfig, "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")},
		{"no metadata", kyamlList(t, releaseConfig, "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n")},
		{"comments, flow and anchors", kyamlList(t, releaseConfig, "# head\napiVersion: v1 # line\nkind: ConfigMap\nmetadata: {name: a, labels: {x: y}}\ndata:\n  a: &v text\n  b: *v\n", cm("b"))},
		{"block scalars of every kind", kyamlList(t, releaseConfig, "kind: X\na: |+\n  keep\n\nb: >\n  folded\n  text\nc: |2\n   indented\nd: |-\n  strip\n")},
		{"a scalar item", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- 5\n- kind: B\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"a sequence item", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- - a\n  - b\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"failing config", kyamlList(t, "apiVersion: rollspec.dev/v1alpha1\nkind: Rollout\nmetadata: {name: x}\n", cm("a"))},
		{"input results", append(kyamlList(t, releaseConfig, cm("a")), "results:\n- message: before\n  severity: info\n"...)},
		{"input results and failing config", append(kyamlList(t, "apiVersion: rollspec.dev/v1alpha1\nkind: Rollout\nmetadata: {name: x}\n", cm("a")), "results:\n- message: before\n"...)},
		{"other top-level fields", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nmetadata:\n  name: list\nitems:\n- kind: A\nextra: [1, 2]\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"functionConfig first", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n" + indent2(releaseConfig) + "items:\n- kind: A\n- kind: B\n")},
		{"kind List", []byte("apiVersion: v1\nkind: List\nitems:\n- kind: A\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"not a ResourceList", []byte("apiVersion: v1\nkind: Other\nitems:\n- kind: A\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"items twice", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\nitems:\n- kind: B\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"items indented", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  - kind: A\n    data: {a: b}\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"empty items", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"a comment between items", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n# between\n- kind: B\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"empty lines between items", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n\n- kind: B\n\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"several documents", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\nfunctionConfig:\n" + indent2(releaseConfig) + "---\nkind: B\n")},
		{"JSON", []byte(`{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{"kind": "A"}], "functionConfig": {"apiVersion": "rollspec.dev/v1alpha1", "kind": "Rollout"}}`)},
		{"a syntax error in an item", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n- kind: B\n  a: [\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"a syntax error in the config", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\nfunctionConfig:\n  kind: [\n")},
		{"an alias to an anchor in another item", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: &k A\n- kind: *k\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"a quoted value over lines at column 0", []byte("apiVersion: config.kubernetes.io/v1\nkind: \"ResourceList\nitems:\n- kind: A\"\nitems:\n- kind: B\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"no line break at the end", bytes.TrimSuffix(kyamlList(t, releaseConfig, cm("a")), []byte("\n"))},
		{"items last without a line break", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n" + indent2(releaseConfig) + "items:\n- kind: A")},
		{"a comment after an item's last field", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n  data:\n #   a: b\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"a block scalar header at column 0", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: X\n  c:\n\n|2\n     indented\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"a quoted value going on at column 0", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: X\n  a: 'x\n0'\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"a quoted value going on at column 0 like an item", []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: X\n  a: \"x\n- y\"\nfunctionConfig:\n" + indent2(releaseConfig))},
		{"empty", nil},
	}
}

// indent2 puts a YAML text under a top-level field.
func indent2(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  ") + "\n"
}

// TestRunLimits: under a memory limit of 6 MiB, a ResourceList may be
// 2304 KiB, and what must be parsed 8 KiB at once (a list not written
// as kustomize writes one, its fields other than items, an item not
// written so): beyond, each is refused naming the limit. A list whose
// parts do not parse on their own, too large to parse whole, is refused
// with the parser's problem at its line of the list.
func TestRunLimits(t *testing.T) {
	p := &fn.Processor{Loader: &load.Loader{Limits: load.Limits{MemoryBytes: 6 << 20}}}
	large := string(kustomizeList(t, 64<<10, "  a: b\n", releaseConfig))
	at := strings.Index(large, "name: cm-99\n")
	itemLine := strings.Count(large[:strings.LastIndex(large[:at], "\n- ")+1], "\n") + 1
	badItem := large[:at] + "name: cm-99\n  bad: [\n" + large[at+len("name: cm-99\n"):]
	badConfig := strings.Replace(large, "  kind: Release\n", "  kind: [\n", 1)
	wide := strings.ReplaceAll(strings.Replace(large, "items:\n", "items:\n  ", 1), "\n- ", "\n  - ")
	commented := strings.Replace(large, "\n- apiVersion", "\n- # a comment\n  apiVersion", 1)
	bigItem := strings.Replace(large, "\n- apiVersion", "\n- big: >-\n    "+strings.Repeat("x", 9<<10)+"\n  apiVersion", 1)
	bigConfig := strings.Replace(large, "  kind: Release\n", "  kind: Release\n  note: '"+strings.Repeat("x", 9<<10)+"'\n", 1)
	flow := strings.ReplaceAll(large, "  name: cm-", "  labels: {a: b}\n    name: cm-")
	// Many items to parse (not written as kyaml writes them: two spaces
	// after a colon), each small: their parsing (about 2 MB/s) is bounded
	// in all, not only one by one.
	manyParsed := strings.ReplaceAll(string(kustomizeList(t, 512<<10, "  a: b\n", releaseConfig)), "name: cm-", "name:  cm-")
	const limit = "the list is larger than 8 KiB, too large to parse whole (allowed: at most 8 KiB parsed whole, with --max-memory 6 MiB; raise with --max-memory)"
	for _, tc := range []struct {
		name, src string
		err       string // "": the same as parsing it whole; %s: the parser's problem when it is
	}{
		{name: "items parsed alone", src: flow},
		{name: "a syntax error in an item", src: badItem, err: "read ResourceList: line " + itoa(itemLine) + ": items[99]: does not parse on its own (%s), and " + limit},
		{name: "a syntax error in the config", src: badConfig, err: "read ResourceList: its fields other than items do not parse on their own (MalformedYAMLError: %s), and " + limit},
		{name: "a comment in an item", src: commented, err: "read ResourceList: line 4: items[0]: holds comments, which kyaml places by what is around them, and " + limit},
		{name: "a list not written as kustomize writes one", src: wide, err: "read ResourceList: larger than 8 KiB, and not written as kustomize writes one (block style, items: at column 0), so it would be parsed whole (allowed: at most 8 KiB parsed whole, 2304 KiB written so, with --max-memory 6 MiB; raise with --max-memory)"},
		{name: "a large item not written as kustomize writes one", src: bigItem, err: "read ResourceList: line 4: items[0]: larger than 8 KiB, and not written as kustomize writes an item, so it would be parsed (allowed: at most 8 KiB per item parsed, with --max-memory 6 MiB; raise with --max-memory)"},
		{name: "large fields", src: bigConfig, err: "read ResourceList: its fields other than items (functionConfig, results, …) are larger than 8 KiB (allowed: at most 8 KiB with --max-memory 6 MiB; raise with --max-memory)"},
		{name: "many items to parse", src: manyParsed, err: "read ResourceList: line 2332: items[194]: the items not written as kustomize writes them (other spacing, quoting or indentation) come to more than 64 KiB, which would each be parsed (allowed: at most 64 KiB of such items, any size written so, with --max-memory 6 MiB; raise with --max-memory)"},
		{name: "too large", src: strings.Repeat("#\n", 1200<<10), err: "read ResourceList: larger than 2304 KiB (allowed: at most 2304 KiB on standard input with --max-memory 6 MiB; raise with --max-memory)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == "" {
				sameAsWhole(t, p, []byte(tc.src))
				return
			}
			want := tc.err
			if strings.Contains(want, "%s") {
				// The parser's problem, at the line parsing it whole gives.
				werr := fn.RunWhole(p, []byte(tc.src), io.Discard)
				want = fmt.Sprintf(want, strings.TrimPrefix(errText(werr), "read ResourceList: MalformedYAMLError: "))
			}
			var out bytes.Buffer
			err := fn.Run(p, strings.NewReader(tc.src), &out)
			if errText(err) != want || out.Len() > 0 {
				t.Errorf("error = %v, output %d bytes\nwant %s, and no output", err, out.Len(), want)
			}
		})
	}
}
