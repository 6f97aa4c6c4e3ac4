package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"
)

// podWatch records every state a set of pods went through, as the API
// server reported it: a `kubectl get --watch` stream, replayed into one
// snapshot per event. Because events arrive in resourceVersion order, the
// snapshots are states the cluster really was in, and an invariant that
// holds in all of them held throughout.
type podWatch struct {
	cancel context.CancelFunc
	cmd    *exec.Cmd
	done   chan struct{}

	mu        sync.Mutex
	state     map[string]pod // by UID
	snapshots [][]pod
	err       error
}

// watchPods starts watching the pods in ns matching selector. The watch
// stops when t ends.
func watchPods(t *testing.T, ns, selector string) *podWatch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, kube.Toolset().Kubectl, "get", "pods", "-n", ns, "-l", selector,
		"--watch", "--output-watch-events", "-o", "json")
	cmd.Env = append(os.Environ(), kube.Env()...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	w := &podWatch{cancel: cancel, cmd: cmd, done: make(chan struct{}), state: map[string]pod{}}
	go w.read(stdout)
	t.Cleanup(w.stop)
	return w
}

// read decodes watch events until the stream ends.
func (w *podWatch) read(r io.Reader) {
	defer close(w.done)
	dec := json.NewDecoder(r)
	for {
		var ev struct {
			Type   string `json:"type"`
			Object pod    `json:"object"`
		}
		if err := dec.Decode(&ev); err != nil {
			if !errors.Is(err, io.EOF) {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
			}
			return
		}
		w.mu.Lock()
		switch ev.Type {
		case "ADDED", "MODIFIED":
			w.state[ev.Object.Metadata.UID] = ev.Object
		case "DELETED":
			delete(w.state, ev.Object.Metadata.UID)
		default:
			w.err = fmt.Errorf("watch event %q", ev.Type)
		}
		snap := make([]pod, 0, len(w.state))
		for _, uid := range sortedKeys(w.state) {
			snap = append(snap, w.state[uid])
		}
		w.snapshots = append(w.snapshots, snap)
		w.mu.Unlock()
	}
}

// stop ends the watch and waits for kubectl to exit.
func (w *podWatch) stop() {
	w.cancel()
	_ = w.cmd.Wait()
	<-w.done
}

// mark returns the number of snapshots so far, for since.
func (w *podWatch) mark() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.snapshots)
}

// since returns the snapshots recorded after mark, and any stream error.
func (w *podWatch) since(mark int) ([][]pod, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.snapshots[mark:]), w.err
}

// waitFor waits until the latest state satisfies cond (which returns ""
// when satisfied, else what is missing).
func (w *podWatch) waitFor(t *testing.T, cond func([]pod) string) {
	t.Helper()
	eventually(t, timeoutRollout, func() string {
		w.mu.Lock()
		var cur []pod
		if n := len(w.snapshots); n > 0 {
			cur = w.snapshots[n-1]
		}
		err := w.err
		w.mu.Unlock()
		if err != nil {
			t.Fatalf("pod watch: %v", err)
		}
		select {
		case <-w.done:
			t.Fatal("pod watch ended early")
		default:
		}
		return cond(cur)
	})
}

// settled returns a condition for waitFor: exactly n pods exist, none
// terminating, all Ready and running version.
func settled(n int, version string) func([]pod) string {
	return func(ps []pod) string {
		ok := len(ps) == n
		for _, p := range ps {
			ok = ok && !p.terminating() && p.ready() && p.version() == version
		}
		if ok {
			return ""
		}
		return fmt.Sprintf("want %d ready pods of %s and nothing else, have %s", n, version, describe(ps))
	}
}

// describe summarises pods as version:state for failure messages.
func describe(ps []pod) string {
	var s []string
	for _, p := range ps {
		state := "not-ready"
		if p.ready() {
			state = "ready"
		}
		if p.terminating() {
			state = "terminating"
		}
		s = append(s, p.version()+":"+state)
	}
	return fmt.Sprint(s)
}

// counts tallies a snapshot: pods not being deleted, those of them Ready,
// and every pod (terminating included) by version.
func counts(ps []pod) (live, ready int, byVersion map[string]int) {
	byVersion = map[string]int{}
	for _, p := range ps {
		byVersion[p.version()]++
		if p.terminating() {
			continue
		}
		live++
		if p.ready() {
			ready++
		}
	}
	return live, ready, byVersion
}

// Timeouts; generous, since CI machines are slow and shared.
const (
	timeoutRollout   = 2 * time.Minute
	timeoutEndpoints = time.Minute
)
