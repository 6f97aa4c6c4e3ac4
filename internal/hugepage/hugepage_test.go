//go:build linux && (amd64 || arm64)

package hugepage

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// anonHuge returns the process's memory backed by transparent huge pages.
func anonHuge(t *testing.T) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps_rollup")
	if err != nil {
		t.Skipf("no smaps_rollup: %v", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "AnonHugePages:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("smaps_rollup has no AnonHugePages")
	return 0
}

var keep [][]byte

// childEnv makes the test binary a child that measures one young heap.
const childEnv = "HUGEPAGE_TEST_CHILD"

// measure runs in a fresh process, whose heap is young as a command's is:
// it grows the heap (when grow) and allocates 16 MiB of small objects, as
// the compiler does, writes them, and prints how much of the process's
// memory huge pages came to back.
func measure(t *testing.T, grow bool) {
	before := anonHuge(t)
	if grow && !Grow(32<<20) {
		t.Fatal("Grow = false, want true")
	}
	for range 16 << 10 {
		b := make([]byte, 1<<10)
		for i := range b {
			b[i] = 1
		}
		keep = append(keep, b)
	}
	fmt.Printf("huge=%d\n", anonHuge(t)-before)
}

// child runs this test in a fresh process and returns what it measured.
func child(t *testing.T, grow bool) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestGrow$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+strconv.FormatBool(grow))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "huge="); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("child printed no measure:\n%s", out)
	return 0
}

// TestGrow: after Grow, the heap a young process grows into is backed by
// huge pages; without it, by 4 KiB pages.
func TestGrow(t *testing.T) {
	if v := os.Getenv(childEnv); v != "" {
		measure(t, v == "true")
		return
	}
	if !enabled() {
		t.Skip("this kernel does not back memory with huge pages on request (transparent_hugepage is not \"madvise\")")
	}
	grown, control := child(t, true), child(t, false)
	t.Logf("huge pages behind 16 MiB of new heap: %d KiB after Grow, %d KiB without", grown>>10, control>>10)
	if grown < 4<<20 {
		t.Errorf("16 MiB of new heap after Grow holds %d KiB of huge pages, want at least 4 MiB", grown>>10)
	}
	if control >= grown {
		t.Errorf("without Grow the new heap holds %d KiB of huge pages, with it %d KiB: Grow made no difference", control>>10, grown>>10)
	}
}

func TestDisabled(t *testing.T) {
	for _, tc := range []struct {
		godebug string
		want    bool
	}{
		{godebug: "disablethp=1", want: false},
		{godebug: "gctrace=0, disablethp=1", want: false},
		{godebug: "disablethp=0", want: true},
		{godebug: "", want: true},
	} {
		t.Run(tc.godebug, func(t *testing.T) {
			t.Setenv("GODEBUG", tc.godebug)
			mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
			if err != nil || !strings.Contains(string(mode), "[madvise]") {
				t.Skip("this kernel does not back memory with huge pages on request")
			}
			if got := enabled(); got != tc.want {
				t.Errorf("enabled() with GODEBUG=%q = %v, want %v", tc.godebug, got, tc.want)
			}
		})
	}
}
