package immutable

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  selector: {matchLabels: {app: db}}
  serviceName: db-headless
  replicas: %s
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: %s}}}
`

func TestChanges(t *testing.T) {
	svc := "---\napiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: default}\nspec: {selector: {app: db}}\n"
	for _, tc := range []struct {
		name       string
		prev, next string
		want       []Change
	}{
		{"replicas may change", fmt.Sprintf(sts, "2", "1Gi") + svc, fmt.Sprintf(sts, "3", "1Gi") + svc, nil},
		{"claim size may not", fmt.Sprintf(sts, "2", "1Gi") + svc, fmt.Sprintf(sts, "2", "2Gi") + svc, []Change{{"StatefulSet", "db", "spec.volumeClaimTemplates", ""}}},
		{"a new object", svc, fmt.Sprintf(sts, "2", "2Gi"), nil},
		{"a default written out", fmt.Sprintf(sts, "2", "1Gi"), strings.Replace(strings.Replace(fmt.Sprintf(sts, "2", "1Gi"), "spec: {accessModes", "spec: {volumeMode: Filesystem, accessModes", 1), "  replicas:", "  podManagementPolicy: OrderedReady\n  replicas:", 1), nil},
		{"another policy", fmt.Sprintf(sts, "2", "1Gi"), strings.Replace(fmt.Sprintf(sts, "2", "1Gi"), "  replicas:", "  podManagementPolicy: Parallel\n  replicas:", 1), []Change{{"StatefulSet", "db", "spec.podManagementPolicy", "OrderedReady"}}},
		{"another governing Service", fmt.Sprintf(sts, "2", "1Gi"), strings.Replace(fmt.Sprintf(sts, "2", "1Gi"), "serviceName: db-headless", "serviceName: orders", 1), []Change{{"StatefulSet", "db", "spec.serviceName", "db-headless"}}},
		{"a Deployment becomes a StatefulSet", strings.Replace(fmt.Sprintf(sts, "2", "1Gi"), "StatefulSet", "Deployment", 1), fmt.Sprintf(sts, "2", "1Gi"), []Change{{"StatefulSet", "db", KindField, "Deployment"}}},
		{"previous file not YAML", "{{{", fmt.Sprintf(sts, "2", "2Gi"), nil},
		{"other namespace", fmt.Sprintf(sts, "2", "1Gi"), strings.Replace(fmt.Sprintf(sts, "2", "2Gi"), "default", "prod", 1), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Changes(Decode([]byte(tc.prev)), Decode([]byte(tc.next))); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestOutput: the versions an output runs are its workloads' pod
// template version labels, and nothing else's; Names lists one kind's
// objects in one namespace.
func TestOutput(t *testing.T) {
	const deploy = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s, namespace: %s}\nspec:\n  template:\n    metadata: {labels: {app: web, version: \"%s\"}}\n"
	const svc = "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {selector: {app: web, version: v9}}\n"
	for _, tc := range []struct {
		name     string
		stream   string
		versions []string
		names    []string // the Deployments in namespace default
	}{
		{"two versions", fmt.Sprintf(deploy, "web-v1", "default", "v1") + fmt.Sprintf(deploy, "web-v2", "default", "v2") + svc, []string{"v1", "v2"}, []string{"web-v1", "web-v2"}},
		{"a Service's selector is no version", svc, nil, nil},
		{"a StatefulSet's template", strings.Replace(fmt.Sprintf(deploy, "db", "default", "11.8"), "Deployment", "StatefulSet", 1), []string{"11.8"}, nil},
		{"other namespace", fmt.Sprintf(deploy, "web", "prod", "v1"), []string{"v1"}, nil},
		{"not YAML", "{{{", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Decode([]byte(tc.stream))
			var got []string
			for v := range o.Versions() {
				got = append(got, v)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.versions) {
				t.Errorf("versions %q, want %q", got, tc.versions)
			}
			if got := o.Names("Deployment", "default"); !slices.Equal(got, tc.names) {
				t.Errorf("names %q, want %q", got, tc.names)
			}
		})
	}
}
