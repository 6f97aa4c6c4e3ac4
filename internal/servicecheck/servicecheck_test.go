package servicecheck

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/release"
)

// TestCheck builds each service.spec at run time for a Service type and
// checks the fields Check refuses, and only those.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, typ, spec string
		want            []string // "field: start of the message"
	}{
		{"nothing written", "ClusterIP", ``, nil},
		{"every field on a LoadBalancer", "LoadBalancer", `{"externalTrafficPolicy":"Local","internalTrafficPolicy":"Cluster","sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":86400}},"loadBalancerSourceRanges":["203.0.113.0/24","2001:db8::/32","0.0.0.0/0"],"loadBalancerClass":"example.com/vip"}`, nil},
		{"externalTrafficPolicy on a NodePort", "NodePort", `{"externalTrafficPolicy":"Cluster"}`, nil},
		{"externalTrafficPolicy on a ClusterIP", "ClusterIP", `{"externalTrafficPolicy":"Local"}`,
			[]string{"externalTrafficPolicy: applies to a Service reachable from outside the cluster"}},
		{"load balancer fields on a NodePort", "NodePort", `{"loadBalancerSourceRanges":["203.0.113.0/24"],"loadBalancerClass":"x"}`,
			[]string{"loadBalancerClass: applies to a load balancer, and service.type is NodePort", "loadBalancerSourceRanges: applies to a load balancer"}},
		{"values outside Kubernetes' enums", "LoadBalancer", `{"externalTrafficPolicy":"local","internalTrafficPolicy":"Node","sessionAffinity":"Cookie"}`,
			[]string{`externalTrafficPolicy: "local" is not one of Kubernetes' values (allowed: Cluster or Local)`, `internalTrafficPolicy: "Node"`, `sessionAffinity: "Cookie" is not one of Kubernetes' values (allowed: None or ClientIP)`}},
		{"affinity config without ClientIP", "ClusterIP", `{"sessionAffinity":"None","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10}}}`,
			[]string{"sessionAffinityConfig: applies with sessionAffinity ClientIP"}},
		{"affinity timeout out of range", "ClusterIP", `{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":0}}}`,
			[]string{"sessionAffinityConfig.clientIP.timeoutSeconds: 0 is out of range (allowed: 1 to 86400 seconds"}},
		{"affinity timeout past a day", "ClusterIP", `{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":86401}}}`,
			[]string{"sessionAffinityConfig.clientIP.timeoutSeconds: 86401 is out of range"}},
		{"affinity timeout of the wrong kind", "ClusterIP", `{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":"60"}}}`,
			[]string{"sessionAffinityConfig.clientIP.timeoutSeconds: "}},
		{"CIDRs the API server refuses or warns about", "LoadBalancer", `{"loadBalancerSourceRanges":["10.0.0.1/8","010.0.0.0/8","::ffff:10.0.0.0/104","10.0.0.0","2001:db8::1/32"," 10.0.0.0/8"]}`,
			[]string{
				`loadBalancerSourceRanges[0]: "10.0.0.1/8" has bits set past its prefix length (allowed: the network "10.0.0.0/8", or the one address "10.0.0.1/32")`,
				`loadBalancerSourceRanges[1]: "010.0.0.0/8" is not a CIDR`,
				`loadBalancerSourceRanges[2]: "::ffff:10.0.0.0/104" is an IPv4-mapped IPv6 network (allowed: the IPv4 network "10.0.0.0/8")`,
				`loadBalancerSourceRanges[3]: "10.0.0.0" is not a CIDR`,
				`loadBalancerSourceRanges[4]: "2001:db8::1/32" has bits set past its prefix length (allowed: the network "2001:db8::/32", or the one address "2001:db8::1/128")`,
				`loadBalancerSourceRanges[5]: " 10.0.0.0/8" is not a CIDR`,
			}},
		{"load balancer class not a qualified name", "LoadBalancer", `{"loadBalancerClass":"example.com/-vip"}`,
			[]string{`loadBalancerClass: "example.com/-vip" is not a qualified name`}},
		{"fields rollspec owns", "ClusterIP", `{"selector":{"app":"x"},"ports":[],"type":"NodePort"}`,
			[]string{"ports: rollspec writes the Services' ports", "selector: rollspec writes the Services' selector", "type: is also set in service.type (allowed: service.type)"}},
		{"fields rollspec does not compile, whatever they hold", "ClusterIP", `{"clusterIP":"None","externalName":5,"trafficDistribution":"PreferClose"}`,
			[]string{"clusterIP: is not one of the Service's fields rollspec compiles (allowed: externalTrafficPolicy, ", "externalName: is not one", "trafficDistribution: is not one"}},
		{"unknown field: the allowed list is what rollspec compiles", "ClusterIP", `{"sessionAffinty":"ClientIP"}`,
			[]string{`sessionAffinty: unknown field (did you mean "sessionAffinity"?) (allowed: sessionAffinity, loadBalancerSourceRanges, externalTrafficPolicy, sessionAffinityConfig, loadBalancerClass, internalTrafficPolicy)`}},
		{"wrong kinds, no rule on them", "ClusterIP", `{"externalTrafficPolicy":1,"loadBalancerSourceRanges":"10.0.0.0/8"}`,
			[]string{"externalTrafficPolicy: invalid value 1", "loadBalancerSourceRanges: invalid value"}},
		{"not an object", "ClusterIP", `[1]`, []string{"service.spec: invalid value"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &release.Release{Service: release.Service{Type: tc.typ, Spec: json.RawMessage(tc.spec)}}
			var got []string
			for _, p := range Check(r) {
				got = append(got, strings.TrimPrefix(p.At.String(), "service.spec.")+": "+p.Text)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d:\ngot  %s\nwant %s…", i, got[i], w)
				}
			}
		})
	}
}

// TestSupportedAreServiceSpecFields keeps Supported in step with
// Kubernetes' ServiceSpec: each is one of its fields.
func TestSupportedAreServiceSpecFields(t *testing.T) {
	for _, f := range Supported {
		if !slices.Contains(specFields(), f) {
			t.Errorf("%s is no field of a core/v1 ServiceSpec", f)
		}
	}
}
