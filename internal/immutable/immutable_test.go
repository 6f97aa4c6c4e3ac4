package immutable

import (
	"fmt"
	"reflect"
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
		{"another policy", fmt.Sprintf(sts, "2", "1Gi"), strings.Replace(fmt.Sprintf(sts, "2", "1Gi"), "  replicas:", "  podManagementPolicy: Parallel\n  replicas:", 1), []Change{{"StatefulSet", "db", "spec.podManagementPolicy", ""}}},
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
