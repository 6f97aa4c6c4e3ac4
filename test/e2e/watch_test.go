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
	"strconv"
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
	*kubectlWatch

	mu        sync.Mutex
	state     map[string]pod // by UID
	snapshots [][]pod
	versions  []int64 // the resourceVersion of each snapshot's event
	err       error
}

// kubectlWatch is a running `kubectl get KIND --watch`.
type kubectlWatch struct {
	cancel context.CancelFunc
	cmd    *exec.Cmd
	done   chan struct{}
}

// watchEvent is one event of a watch stream, its object left to decode.
type watchEvent struct {
	Type   string          `json:"type"`
	Object json.RawMessage `json:"object"`
}

// startWatch starts watching the objects of kind in ns matching selector,
// calling each for every event, in order, until the stream ends (it
// returns an error the stream ends on, or nil at its end). The watch
// stops when t ends.
func startWatch(t *testing.T, ns, kind, selector string, each func(watchEvent), fail func(error)) *kubectlWatch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, kube.Toolset().Kubectl, "get", kind, "-n", ns, "-l", selector,
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
	w := &kubectlWatch{cancel: cancel, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		dec := json.NewDecoder(stdout)
		for {
			var ev watchEvent
			if err := dec.Decode(&ev); err != nil {
				if !errors.Is(err, io.EOF) {
					fail(err)
				}
				return
			}
			each(ev)
		}
	}()
	t.Cleanup(w.stop)
	return w
}

// watchPods starts watching the pods in ns matching selector. The watch
// stops when t ends.
func watchPods(t *testing.T, ns, selector string) *podWatch {
	t.Helper()
	w := &podWatch{state: map[string]pod{}}
	w.kubectlWatch = startWatch(t, ns, "pods", selector, w.event, func(err error) {
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
	})
	return w
}

// event replays one watch event into a snapshot.
func (w *podWatch) event(ev watchEvent) {
	var p pod
	err := json.Unmarshal(ev.Object, &p)
	var version int64
	if err == nil {
		version, err = strconv.ParseInt(p.Metadata.ResourceVersion, 10, 64)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err != nil:
		w.err = err
		return
	case ev.Type == "ADDED", ev.Type == "MODIFIED":
		w.state[p.Metadata.UID] = p
	case ev.Type == "DELETED":
		delete(w.state, p.Metadata.UID)
	default:
		w.err = fmt.Errorf("watch event %q", ev.Type)
	}
	snap := make([]pod, 0, len(w.state))
	for _, uid := range sortedKeys(w.state) {
		snap = append(snap, w.state[uid])
	}
	w.snapshots = append(w.snapshots, snap)
	w.versions = append(w.versions, version)
}

// replicaSetWatch records, after each event of the ReplicaSets of one
// Deployment, how many pods they ask for together (their spec.replicas):
// the count the Deployment controller keeps within replicas + maxSurge.
// The ReplicaSet controllers then create and delete pods each on its own,
// so for a moment the pods can number more than the ReplicaSets ask for
// (one old pod not yet deleted while a new one is created).
type replicaSetWatch struct {
	*kubectlWatch

	mu     sync.Mutex
	asked  map[string]int // spec.replicas by UID
	avail  map[string]int // status.availableReplicas by UID
	states []replicaSetState
	err    error
}

// replicaSetState is the pods the ReplicaSets ask for at one
// resourceVersion.
type replicaSetState struct {
	version int64
	wanted  int
	// available pods, as the ReplicaSets' controller counts them: ready
	// for minReadySeconds, the count a rolling update's floor bounds.
	available int
}

func watchReplicaSets(t *testing.T, ns, selector string) *replicaSetWatch {
	t.Helper()
	w := &replicaSetWatch{asked: map[string]int{}, avail: map[string]int{}}
	w.kubectlWatch = startWatch(t, ns, "replicasets", selector, w.event, func(err error) {
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
	})
	return w
}

func (w *replicaSetWatch) event(ev watchEvent) {
	var rs struct {
		Metadata struct {
			UID             string `json:"uid"`
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
		Spec struct {
			Replicas *int `json:"replicas"`
		} `json:"spec"`
		Status struct {
			AvailableReplicas int `json:"availableReplicas"`
		} `json:"status"`
	}
	err := json.Unmarshal(ev.Object, &rs)
	var version int64
	if err == nil {
		version, err = strconv.ParseInt(rs.Metadata.ResourceVersion, 10, 64)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.err = err
		return
	}
	switch ev.Type {
	case "ADDED", "MODIFIED":
		w.asked[rs.Metadata.UID] = 1
		if rs.Spec.Replicas != nil {
			w.asked[rs.Metadata.UID] = *rs.Spec.Replicas
		}
		w.avail[rs.Metadata.UID] = rs.Status.AvailableReplicas
	case "DELETED":
		delete(w.asked, rs.Metadata.UID)
		delete(w.avail, rs.Metadata.UID)
	}
	total, available := 0, 0
	for _, n := range w.asked {
		total += n
	}
	for _, n := range w.avail {
		available += n
	}
	w.states = append(w.states, replicaSetState{version, total, available})
}

// fewestAvailable is the fewest pods the ReplicaSets counted available
// from resourceVersion from on.
func (w *replicaSetWatch) fewestAvailable(from int64) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fewest := -1
	for _, s := range w.states {
		if s.version >= from && (fewest < 0 || s.available < fewest) {
			fewest = s.available
		}
	}
	return fewest, w.err
}

// wanted is how many pods the ReplicaSets asked for at resourceVersion at
// (the API server's etcd revision, which orders the events of every
// kind), and the most they asked for from resourceVersion from to at.
func (w *replicaSetWatch) wanted(from, at int64) (now, most int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.states {
		if s.version > at {
			break
		}
		now = s.wanted
		if s.version >= from {
			most = max(most, s.wanted)
		}
	}
	return now, most, w.err
}

// stop ends the watch and waits for kubectl to exit.
func (w *kubectlWatch) stop() {
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

// versionsSince returns the resourceVersions of the snapshots since
// returns for mark.
func (w *podWatch) versionsSince(mark int) []int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.versions[mark:])
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
