package kubetype_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/internal/kubetype"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		like any
		raw  string
		want []string // path: text
	}{
		{name: "valid pod", like: corev1.PodSpec{}, raw: `{"serviceAccountName": "api", "volumes": [{"name": "c", "configMap": {"name": "x", "defaultMode": 420}}], "tolerations": [{"key": "k", "operator": "Exists"}], "terminationGracePeriodSeconds": 30}`},
		{name: "valid container", like: corev1.Container{}, raw: `{"args": ["-v"], "env": [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}], "resources": {"limits": {"cpu": "500m", "memory": 128}}, "livenessProbe": {"httpGet": {"path": "/live", "port": "http"}}}`},
		{name: "typo in a list entry", like: corev1.PodSpec{}, raw: `{"volumes": [{"name": "a"}, {"name": "c", "configMap": {"nmae": "x"}}]}`, want: []string{
			`volumes[1].configMap.nmae: unknown field (did you mean "name"?) (allowed: name, items, defaultMode, optional, defaultUser)`}},
		{name: "inline members are fields", like: corev1.Container{}, raw: `{"livenessProbe": {"httpGet": {"path": "/"}, "exec": {"commnd": ["x"]}}}`, want: []string{
			`livenessProbe.exec.commnd: unknown field (did you mean "command"?) (allowed: command)`}},
		{name: "wrong kinds, all at once", like: corev1.PodSpec{}, raw: `{"terminationGracePeriodSeconds": "30", "hostNetwork": "yes", "nodeSelector": ["a"], "volumes": {"name": "x"}}`, want: []string{
			`hostNetwork: invalid value "yes" (allowed: true or false)`,
			`nodeSelector: invalid value […] (allowed: an object, each value a string)`,
			`terminationGracePeriodSeconds: invalid value "30" (allowed: an integer)`,
			`volumes: invalid value {…} (allowed: a list, each entry an object)`}},
		{name: "quantities and int-or-string decode themselves", like: corev1.Container{}, raw: `{"resources": {"requests": {"cpu": "lots"}}, "livenessProbe": {"tcpSocket": {"port": true}}}`, want: []string{
			`livenessProbe.tcpSocket.port: invalid value true (allowed: an integer or a string, such as 8080 or "http")`,
			`resources.requests.cpu: invalid value "lots" (allowed: a Kubernetes quantity such as "500m", "128Mi" or 2)`}},
		{name: "integer range", like: corev1.PodSpec{}, raw: `{"terminationGracePeriodSeconds": 1.5, "volumes": [{"name": "c", "configMap": {"defaultMode": 99999999999}}]}`, want: []string{
			`terminationGracePeriodSeconds: invalid value 1.5 (allowed: an integer)`,
			`volumes[0].configMap.defaultMode: invalid value 99999999999 (allowed: an integer)`}},
		{name: "keys quoted as paths are", like: corev1.PodSpec{}, raw: `{"nodeSelector": {"kubernetes.io/os": 1}}`, want: []string{
			`nodeSelector."kubernetes.io/os": invalid value 1 (allowed: a string: quote it as "1")`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range kubetype.Check(json.RawMessage(tc.raw), tc.like) {
				got = append(got, fmt.Sprintf("%s: %s", p.Path, p.Text))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if len(tc.want) == 0 {
				// What passes decodes into the type.
				if err := json.Unmarshal([]byte(tc.raw), &tc.like); err != nil {
					t.Errorf("accepted, but does not decode: %v", err)
				}
			}
		})
	}
}
