package fn_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/rollspec/rollspec/internal/fn"
	"github.com/rollspec/rollspec/internal/load"
)

// FuzzRun feeds `rollspec fn` any bytes as its ResourceList. It must end
// with a ResourceList or an error, never a panic or a hang, and never
// read outside its directory (Dir is an empty temporary directory, so a
// config naming other paths only finds nothing).
func FuzzRun(f *testing.F) {
	head := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: rollspec.dev/v1alpha1\n"
	f.Add([]byte(head + "  kind: Release\n  metadata: {name: web}\n  spec:\n" + indent(spec)))
	f.Add([]byte(head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: [web.yaml, ../x, /etc]\n"))
	f.Add([]byte(head + "  kind: Release\n  metadata: {name: web}\n  spec: {name: &a [*a]}\n"))
	f.Add([]byte("a: 1\rb: 2"))
	f.Add([]byte("{}"))
	dir := f.TempDir()
	// The loader stops an evaluation at EvalTime; the watchdog waits well
	// beyond it, so that it catches a hang the limit misses, never the
	// limit itself at work on a slow, busy machine (it once waited 5 s,
	// the loader's default, and raced it).
	const evalTime, watchdog = time.Second, 10 * time.Second
	p := &fn.Processor{Loader: &load.Loader{Limits: load.Limits{AliasBytes: 1 << 20, EvalTime: evalTime}}, Dir: dir}
	f.Fuzz(func(t *testing.T, in []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			var out bytes.Buffer
			err := fn.Run(p, bytes.NewReader(in), &out)
			if err != nil && strings.Contains(err.Error(), "rollspec crashed") {
				t.Errorf("%q: %v", in, err)
			}
		}()
		select {
		case <-done:
		case <-time.After(watchdog):
			t.Fatalf("%q: still running after %s, though the loader stops evaluating at %s", in, watchdog, evalTime)
		}
	})
}
