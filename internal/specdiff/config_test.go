package specdiff

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestLineDiff: one-line values have no lines; past the table's bound
// the lines between the common start and end are paired by place.
func TestLineDiff(t *testing.T) {
	if got := lineDiff("a", "b"); got != nil {
		t.Errorf("one line each: got %v, want none", got)
	}
	var a, b []string
	for i := range 2000 {
		a = append(a, fmt.Sprintf("k%d: %d", i, i))
		b = append(b, fmt.Sprintf("k%d: %d", i, i+1))
	}
	old, next := "head\n"+strings.Join(a, "\n")+"\ntail", "head\n"+strings.Join(b[:1999], "\n")+"\ntail"
	got := lineDiff(old, next)
	if len(got) != 2000 {
		t.Fatalf("got %d lines, want 2000", len(got))
	}
	if want := (Line{Old: 2001, OldText: "k1999: 1999"}); got[0] != want {
		t.Errorf("first: got %+v, want the line removed, %+v", got[0], want)
	}
	if want := (Line{Old: 2, New: 2, OldText: "k0: 0", NewText: "k0: 1"}); got[1] != want {
		t.Errorf("second: got %+v, want %+v", got[1], want)
	}
	if !slices.Equal(got, lineDiff(old, next)) {
		t.Error("two runs differ")
	}
}
