package fn_test

import (
	"bytes"
	"io"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/fn"
	"github.com/rollspec/rollspec/internal/load"
)

// kustomizeList is a ResourceList of about size bytes as kustomize hands
// one to a function: ConfigMaps of data (one short key is the densest
// Kubernetes YAML there is), each with kustomize's file annotations,
// written by kyaml's writer (one item is; the others are copies of its
// text with their own numbers, which is what kyaml writes for them), and
// config.
func kustomizeList(t testing.TB, size int, data, config string) []byte {
	t.Helper()
	one := string(kyamlList(t, config, kustomizeItem(0, data)))
	head, rest, _ := strings.Cut(one, "items:\n")
	item, tail, _ := strings.Cut(rest, "functionConfig:")
	var b bytes.Buffer
	b.Grow(size + len(one))
	b.WriteString(head + "items:\n")
	for i := 0; b.Len() < size; i++ {
		n := itoa(i)
		b.WriteString(strings.NewReplacer("'0'", "'"+n+"'", "cm-0\n", "cm-"+n+"\n").Replace(item))
	}
	b.WriteString("functionConfig:" + tail)
	return b.Bytes()
}

// allocated is how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// maxAllocPerByte bounds what running on a ResourceList as kustomize
// writes one may allocate per byte of it, beyond compiling its config:
// reading it (in chunks, then one buffer) takes two. Parsed whole into
// kyaml's nodes, as before, it took some 600 (and a peak heap of 140
// times the list: an 8 MiB list needed 1.2 GB).
const maxAllocPerByte = 3

// TestRunMemory: a 16 MiB ResourceList as kustomize writes one costs
// memory in proportion to its size, a few bytes per byte (counted as all
// the memory allocated, which bounds the peak), and comes out whole.
func TestRunMemory(t *testing.T) {
	p := &fn.Processor{Loader: &load.Loader{}}
	src := kustomizeList(t, 16<<20, "  a: b\n", releaseConfig)
	small := kustomizeList(t, 0, "  a: b\n", releaseConfig)
	// What compiling the config and writing its objects allocate, the
	// loader's schema compiled beforehand.
	if err := fn.Run(p, bytes.NewReader(small), io.Discard); err != nil {
		t.Fatal(err)
	}
	base := allocated(func() {
		if err := fn.Run(p, bytes.NewReader(small), io.Discard); err != nil {
			t.Fatal(err)
		}
	})
	out := bytes.NewBuffer(make([]byte, 0, 2*len(src)))
	total := allocated(func() {
		if err := fn.Run(p, bytes.NewReader(src), out); err != nil {
			t.Fatal(err)
		}
	})
	perByte := float64(total-min(base, total)) / float64(len(src))
	t.Logf("%d bytes in, %d out: %.2f bytes allocated per byte (compiling the config: %d bytes)", len(src), out.Len(), perByte, base)
	if perByte > maxAllocPerByte {
		t.Errorf("running on a %d MiB ResourceList allocated %.1f bytes per byte of it, want at most %d", len(src)>>20, perByte, maxAllocPerByte)
	}
	// The items come out as they went in, but for kyaml's migration ids.
	_, items, _ := bytes.Cut(src, []byte("items:\n"))
	items, _, _ = bytes.Cut(items, []byte("functionConfig:"))
	want := migrationID.ReplaceAll(items, nil)
	if !bytes.Contains(out.Bytes(), want) || bytes.Equal(want, items) {
		t.Errorf("the items do not come out as they went in, without their migration ids")
	}
}

// migrationID is the line of the annotation kyaml adds and takes away
// around a function.
var migrationID = regexp.MustCompile(`(?m)^ +internal\.config\.kubernetes\.io/annotations-migration-resource-id: .*\n`)

// BenchmarkRun runs the function on a ResourceList as kustomize writes
// one, of 1 and 16 MiB, and on one whose items are parsed one by one (a
// folded scalar in each: not kyaml's own form); BenchmarkRunWhole on the
// list parsed whole into kyaml's nodes, as before, for comparison.
func BenchmarkRun(b *testing.B) {
	for _, tc := range []struct {
		name string
		size int
		data string
	}{
		{"1MiB", 1 << 20, "  a: b\n"},
		{"16MiB", 16 << 20, "  a: b\n"},
		{"1MiB-parsed", 1 << 20, "  a: >-\n    b\n"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p := &fn.Processor{Loader: &load.Loader{}}
			src := kustomizeList(b, tc.size, tc.data, releaseConfig)
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if err := fn.Run(p, bytes.NewReader(src), io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRunWhole(b *testing.B) {
	p := &fn.Processor{Loader: &load.Loader{}}
	src := kustomizeList(b, 1<<20, "  a: b\n", releaseConfig)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if err := fn.RunWhole(p, src, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
