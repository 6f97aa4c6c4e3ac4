package stage_test

import (
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/stage"
)

// TestForcedRollback: rolling back a partitioned StatefulSet names the
// candidate's pods to delete by hand only where the controller would
// wait for them (OrderedReady, some pod on the candidate).
func TestForcedRollback(t *testing.T) {
	const sts = "replicas: 4\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2\"}\n"
	for _, tc := range []struct {
		name, spec string
		want       string // the pods named, "" for no note
	}{
		{"OrderedReady at step 2", sts + "strategy: {partitioned: {steps: [1, 3, 4], step: 2}}", "(web-3, web-2, web-1)"},
		{"OrderedReady written", sts + "statefulSet: {podManagementPolicy: OrderedReady}\nstrategy: {partitioned: {steps: [1, 4], step: 1}}", "(web-3)"},
		{"Parallel deletes a broken pod itself", sts + "statefulSet: {podManagementPolicy: Parallel}\nstrategy: {partitioned: {steps: [1, 4], step: 1}}", ""},
		{"step 0 replaced no pod", sts + "strategy: {partitioned: {steps: [1, 4], step: 0}}", ""},
		{"onDelete", sts + "strategy: {onDelete: {}}", ""},
		{"a Deployment", "replicas: 4\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {canary: {steps: [50, 100]}}", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, web+tc.spec)
			got := stage.ForcedRollback(p.Stages[0].Release)
			if tc.want == "" {
				if got != "" {
					t.Errorf("got %q, want no note", got)
				}
				return
			}
			if !strings.Contains(got, "a candidate pod "+tc.want+" that never became Ready holds back the rollback") || !strings.Contains(got, "forced rollback") {
				t.Errorf("got %q, want the pods %s named", got, tc.want)
			}
		})
	}
}
