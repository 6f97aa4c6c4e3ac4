package difffmt_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/difffmt"
	"github.com/rollspec/rollspec/internal/specdiff"
	"github.com/rollspec/rollspec/internal/stage"
)

// rolling is a Deployment's rollout of 4 pods, one at a time.
var rolling = &stage.Rollout{Workload: "web", Kind: "Deployment", Strategy: "RollingUpdate", Replicas: 4, Peak: 5, Floor: 4}

// release is a changed release with the objects, workloads and routes
// given.
func release(objs []specdiff.Object, ws []specdiff.Workload, rs []specdiff.Route) *specdiff.Diff {
	return &specdiff.Diff{Releases: []*specdiff.Release{{Namespace: "shop", Name: "web", Status: specdiff.StatusChanged, Objects: objs, Workloads: ws, Routes: rs}}, Unchanged: 2}
}

func TestWrite(t *testing.T) {
	config := release([]specdiff.Object{{
		Kind: "ConfigMap", Name: "web-config-b", Was: "web-config-a", Change: specdiff.Replaced,
		Config: &specdiff.Config{New: []specdiff.Served{{Role: "stable", Version: "v1"}, {Role: "candidate", Version: "v2"}}, Keys: []specdiff.Key{
			{Name: "A", Change: specdiff.KeyChanged, Old: "info", New: "debug"},
			{Name: "B", Change: specdiff.KeyAdded, New: strings.Repeat("x", 60)},
			{Name: "C", Change: specdiff.KeyRemoved, Old: "gone"},
			{Name: "D", Change: specdiff.KeyAdded, New: "line 1\nline 2\n"},
		}},
	}, {
		Kind: "ConfigMap", Name: "web-config-c", Was: "web-config-b", Change: specdiff.Replaced,
		Config: &specdiff.Config{New: []specdiff.Served{{Role: "candidate", Version: "v2"}}, Stays: []specdiff.Served{{Role: "stable", Version: "v1"}}},
	}}, []specdiff.Workload{{Kind: "Deployment", Name: "web", Action: stage.ActRoll, From: 4, To: 4, Restarted: 4, Rollout: rolling}}, nil)
	var fields []specdiff.Field
	for range 10 {
		fields = append(fields, specdiff.Field{Path: "spec.x", Old: "1", New: "2"})
	}
	fields[0] = specdiff.Field{Path: "spec.selector", OldAbsent: true, New: `{"app":"web"}`}
	moves := release([]specdiff.Object{
		{Kind: "Deployment", Name: "web", Change: specdiff.Changed, Fields: fields},
		{Kind: "Service", Name: "web_preview|x", Change: specdiff.Created},
	}, []specdiff.Workload{
		{Kind: "Deployment", Name: "web-v1", Action: stage.ActScale, From: 3, To: 2},
		{Kind: "Deployment", Name: "web-v3", Action: stage.ActCreate, To: 1},
		{Kind: "DaemonSet", Name: "proxy", Action: stage.ActDelete, PerNode: true},
		{Kind: "StatefulSet", Name: "db", Action: stage.ActReplace, From: 3, To: 3, Restarted: 2, Replaced: []string{"db-2", "db-1"}},
		{Kind: "StatefulSet", Name: "cache", Action: stage.ActRoll, From: 3, To: 3, OnDelete: true},
		{Kind: "Deployment", Name: "old", Action: stage.ActRoll, From: 2, To: 2, Restarted: 2, Rollout: &stage.Rollout{Strategy: "Recreate"}},
		{Kind: "Deployment", Name: "web", Action: stage.ActRoll, From: 2, To: 4, Restarted: 4, Rollout: rolling},
	}, []specdiff.Route{
		{Object: "VirtualService web", Old: &stage.Route{Shares: []stage.Share{{Version: "v1", Percent: 90}, {Version: "v2", Percent: 10}}}, New: &stage.Route{Shares: []stage.Share{{Version: "v1", Percent: 50}, {Version: "v2", Percent: 50}}}},
		{Object: "Service web-preview", New: &stage.Route{Shares: []stage.Share{{Version: "v2", Percent: 100}}}},
	})
	file := release([]specdiff.Object{{
		Kind: "ConfigMap", Name: "web-config-b", Was: "web-config-a", Change: specdiff.Replaced,
		Config: &specdiff.Config{New: []specdiff.Served{{Role: "stable", Version: "v1"}}, Keys: []specdiff.Key{
			{Name: "orders.yaml", Change: specdiff.KeyChanged, Old: "…", New: "…", Lines: []specdiff.Line{
				{New: 2, NewText: "timeout: 3s"},
				{Old: 2, New: 3, OldText: "database: a", NewText: "database: b"},
				{Old: 4, OldText: "log: info"},
				{Old: 5, New: 5, OldText: "x: 1", NewText: "x: 2"},
				{Old: 6, New: 6, OldText: "y: 1", NewText: "y: 2"},
			}},
		}},
	}, {Kind: "ConfigMap", Name: "gone", Change: specdiff.Deleted}}, nil, nil)
	switched := release([]specdiff.Object{
		{Kind: "Deployment", Name: "web-v1", Change: specdiff.Created},
		{Kind: "Deployment", Name: "web", Change: specdiff.Deleted},
	}, []specdiff.Workload{
		{Kind: "Deployment", Name: "web-v1", Action: stage.ActCreate, To: 4},
		{Kind: "Deployment", Name: "web", Action: stage.ActDelete, From: 4},
	}, nil)
	for _, tc := range []struct {
		name, format string
		d            *specdiff.Diff
		want         string
	}{
		{
			name: "text: config keys, shortened, a restart", format: "text", d: config,
			want: `shop/web: changed
  objects:
    ~ ConfigMap web-config-a → web-config-b (config of stable v1, candidate v2)
        ~ A: info → debug
        + B=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (60 bytes)
        - C=gone
        + D=line 1… (14 bytes)
    ~ ConfigMap web-config-b → web-config-c (config of candidate v2; web-config-b stays for stable v1)
  pods: pods restart
    Deployment web: pod template changed: 4 pods restart (RollingUpdate: ≤5 pods, ≥4 ready)
  traffic: unchanged

releases: 1 changed, 0 new, 0 removed, 2 unchanged
`,
		},
		{
			name: "text: fields cut after eight, every move, traffic", format: "text", d: moves,
			want: `shop/web: changed
  objects:
    ~ Deployment web
        spec.selector: (none) → {"app":"web"}
        spec.x: 1 → 2
        spec.x: 1 → 2
        spec.x: 1 → 2
        spec.x: 1 → 2
        spec.x: 1 → 2
        spec.x: 1 → 2
        spec.x: 1 → 2
        … 2 more fields
    + Service web_preview|x
  pods: pods restart
    Deployment web-v1: 3 → 2 pods
    Deployment web-v3: new, 1 pod starts
    DaemonSet proxy: deleted, a pod on every node stops
    StatefulSet db: partition moved: 2 pods restart (db-2, db-1, one at a time, highest ordinal first)
    StatefulSet cache: pod template changed: each pod takes it when deleted
    Deployment old: pod template changed: 2 pods restart (Recreate: every pod stops first)
    Deployment web: pod template changed: its 2 pods replaced by 4 (RollingUpdate: ≤5 pods, ≥4 ready)
  traffic:
    VirtualService web: v1 90% · v2 10% → v1 50% · v2 50%
    Service web-preview: (none) → v2 100%

releases: 1 changed, 0 new, 0 removed, 2 unchanged
`,
		},
		{
			name: "text: a new release's pods start, no restart said", format: "text",
			d:    &specdiff.Diff{Releases: []*specdiff.Release{{Namespace: "shop", Name: "api", Status: specdiff.StatusNew, Workloads: []specdiff.Workload{{Kind: "Deployment", Name: "api", Action: stage.ActCreate, To: 2}}}}},
			want: "shop/api: new\n  pods:\n    Deployment api: new, 2 pods start\n",
		},
		{
			name: "text: only a route moves", format: "text", d: release(nil, nil, nil),
			want: "  pods: unchanged, no pod restarts\n  traffic: unchanged\n",
		},
		{
			name: "markdown: code spans, markup escaped outside them", format: "markdown", d: moves,
			want: "### `shop/web`: changed\n\n**Objects**\n\n- ~ Deployment `web`\n  - `spec.selector: (none) → {\"app\":\"web\"}`\n",
		},
		{
			name: "text: a config file's lines that change, a few, then counted", format: "text", d: file,
			want: `    ~ ConfigMap web-config-a → web-config-b (config of stable v1)
        ~ orders.yaml: line 2 added: timeout: 3s
        ~ orders.yaml: line 3 (was 2): database: a → database: b
        ~ orders.yaml: line 4 removed: log: info
        ~ orders.yaml: and 2 more changed lines
`,
		},
		{
			name: "text: a strategy switch's pods are replaced, not restarted", format: "text", d: switched,
			want: "  pods: replaced: Deployment web's 4 pods stop while Deployment web-v1's 4 pods start — apply without pruning, wait until kubectl rollout status succeeds for web-v1, then apply with pruning, to avoid an interruption\n",
		},
		{
			name: "markdown: a strategy switch's note, names as code", format: "markdown", d: switched,
			want: "**Pods**: replaced: Deployment `web`'s 4 pods stop while Deployment `web-v1`'s 4 pods start — apply without pruning, wait until `kubectl rollout status` succeeds for `web-v1`, then apply with pruning, to avoid an interruption\n",
		},
		{
			name: "markdown: created and deleted marked literally, not as nested lists", format: "markdown", d: switched,
			want: "- \\+ Deployment `web-v1`\n- \\- Deployment `web`\n",
		},
		{
			name: "markdown: a config file's lines, and a key removed, in code spans", format: "markdown", d: file,
			want: "  - `~ orders.yaml: line 3 (was 2): database: a → database: b`\n",
		},
		{
			name: "markdown: a name with markup", format: "markdown", d: moves,
			want: "- \\+ Service `web_preview|x`\n",
		},
		{
			name: "markdown: the summary", format: "markdown", d: &specdiff.Diff{Unchanged: 3},
			want: "_Releases: 0 changed, 0 new, 0 removed, 3 unchanged._\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := difffmt.Write(&b, tc.format, tc.d); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if strings.HasPrefix(tc.want, "shop/web") && got != tc.want || !strings.Contains(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := difffmt.Write(&bytes.Buffer{}, "pdf", &specdiff.Diff{})
	if err == nil || !strings.Contains(err.Error(), `unknown "pdf" (allowed: text, markdown)`) {
		t.Errorf("got %v, want the formats allowed", err)
	}
}
