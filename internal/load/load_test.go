package load_test

import (
	"bytes"
	"cmp"
	"strconv"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
)

// valid is a spec every case starts from; each case replaces one line.
const valid = `name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 4
stable: {version: "v1", tag: "1.0"}
traffic: native
strategy: {ramped: {maxSurge: 1, maxUnavailable: 0}}
readinessProbe: {http: {path: /healthz}}
`

// jsonRelease is a valid release on one line of JSON.
const jsonRelease = `{"name": "x", "image": "example/x", "ports": [{"name": "http", "containerPort": 80}], "stable": {"version": "v1", "tag": "1"}, "strategy": {"recreate": {}}}`

// with replaces the line of valid starting with key (or appends the line).
func with(key, line string) string { return withIn(valid, key, line) }

// withIn replaces the line of base starting with key (or appends the line).
func withIn(base, key, line string) string {
	var out []string
	done := false
	for _, l := range strings.Split(strings.TrimSuffix(base, "\n"), "\n") {
		if strings.HasPrefix(l, key+":") {
			if line != "" {
				out = append(out, line)
			}
			done = true
			continue
		}
		out = append(out, l)
	}
	if !done {
		out = append(out, line)
	}
	return strings.Join(out, "\n") + "\n"
}

// TestValidation asserts, for each constraint, the exact positioned
// message a user reads.
func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string // spec.yaml unless set
		spec string
		want []string // lines of output, all of them
	}{
		{name: "valid", spec: valid},
		{name: "name not a DNS label", spec: with("name", "name: Web_1"), want: []string{
			`spec.yaml:1:1: name: invalid value "Web_1" (allowed: a DNS-1123 label of at most 30 characters: lowercase letters, digits and '-', starting with a letter)`}},
		{name: "name too long", spec: with("name", "name: "+strings.Repeat("a", 31)), want: []string{
			`spec.yaml:1:1: name: invalid value "` + strings.Repeat("a", 31) + `" (allowed: a DNS-1123 label of at most 30 characters: lowercase letters, digits and '-', starting with a letter)`}},
		{name: "missing name", spec: with("name", ""), want: []string{
			`spec.yaml:1:1: name: missing required field (allowed: a DNS-1123 label of at most 30 characters: lowercase letters, digits and '-', starting with a letter)`}},
		{name: "unknown field", spec: with("replica", "replica: 3"), want: []string{
			`spec.yaml:9:1: replica: unknown field (did you mean "replicas"?) (allowed: name, namespace, labels, annotations, podAnnotations, image, ports, workload, statefulSet, replicas, env, resources, readinessProbe, livenessProbe, startupProbe, container, pod, minReadySeconds, progressDeadlineSeconds, revisionHistoryLimit, config, configPath, changeCause, podSecurity, runAsUser, imagePullPolicy, stable, candidate, service, host, gatewaySelector, gateway, tls, traffic, strategy, autoscaler, podDisruptionBudget)`}},
		{name: "negative replicas", spec: with("replicas", "replicas: -1"), want: []string{
			`spec.yaml:4:1: replicas: invalid value -1 (allowed: an integer from 0 to 10000)`}},
		{name: "port out of range", spec: with("ports", "ports: [{name: http, containerPort: 70000}]"), want: []string{
			`spec.yaml:3:22: ports[0].containerPort: invalid value 70000 (allowed: a port number from 1 to 65535)`}},
		{name: "integer beyond 64 bits", spec: with("replicas", "replicas: 123456789012345678901234567890"), want: []string{
			`spec.yaml:4:1: replicas: invalid value 123456789012345678901234567890 (allowed: an integer from 0 to 10000)`}},
		{name: "tag beyond 64 bits", spec: with("stable", "stable: {version: \"v1\", tag: 20260101120000123456789}"), want: []string{
			`spec.yaml:5:25: stable.tag: 20260101120000123456789 is a number, not a string (allowed: a string: quote it as "20260101120000123456789"; unquoted, YAML drops leading and trailing zeros)`}},
		{name: "registry host of any case", spec: with("image", "image: Registry.Example.COM:5000/team/web")},
		{name: "registry by IPv6", spec: with("image", "image: \"[fd00::1]:5000/team/web\"")},
		{name: "uppercase repository path", spec: with("image", "image: registry.example.com/Team/web"), want: []string{
			`spec.yaml:2:1: image: invalid value "registry.example.com/Team/web" (allowed: an image repository such as "nginx" or "registry.example.com:5000/team/app", without tag or digest: those go in the version's tag and digest)`}},
		{name: "image with a tag", spec: with("image", "image: nginx:1.27"), want: []string{
			`spec.yaml:2:1: image: invalid value "nginx:1.27" (allowed: an image repository such as "nginx" or "registry.example.com:5000/team/app", without tag or digest: those go in the version's tag and digest)`}},
		{name: "config keys a volume owns", spec: with("replicas", "replicas: 4\nconfig: {\"..\": x, \"..data\": y, a..b: z}"), want: []string{
			`spec.yaml:5:10: config."..": invalid key ".." (allowed: config keys: letters, digits, '-', '_' and '.'; not '.' or '..', not starting with '..' (a ConfigMap volume's own files))`,
			`spec.yaml:5:19: config."..data": invalid key "..data" (allowed: config keys: letters, digits, '-', '_' and '.'; not '.' or '..', not starting with '..' (a ConfigMap volume's own files))`}},
		{name: "short host", spec: with("traffic", "traffic: istio\nhost: intranet"), want: []string{
			`spec.yaml:7:1: host: invalid value "intranet" (allowed: a fully qualified DNS name such as "app.example.com" or "*.example.com", not a Service's in-cluster name (Istio Gateways refuse short names))`}},
		{name: "short host and a port Istio cannot route", spec: withIn(with("traffic", "traffic: istio\nhost: intranet"), "ports", "ports: [{name: web, containerPort: 8080}]"), want: []string{
			`spec.yaml:3:10: ports[0].name: Istio routes HTTP on the first port, named "web" (allowed: http, http2, grpc or grpc-web, alone or before a '-' suffix, as in http-api)`,
			`spec.yaml:7:1: host: invalid value "intranet" (allowed: a fully qualified DNS name such as "app.example.com" or "*.example.com", not a Service's in-cluster name (Istio Gateways refuse short names))`}},
		{name: "in-cluster host", spec: with("traffic", "traffic: istio\nhost: web.shop.svc.cluster.local"), want: []string{
			`spec.yaml:7:1: host: invalid value "web.shop.svc.cluster.local" (allowed: a fully qualified DNS name such as "app.example.com" or "*.example.com", not a Service's in-cluster name (Istio Gateways refuse short names))`}},
		{name: "infinity and not a number", spec: withIn(with("replicas", "replicas: .nan"), "readinessProbe", "readinessProbe: {http: {path: /healthz}, periodSeconds: -.inf}"), want: []string{
			`spec.yaml:4:1: replicas: invalid value ".nan" (allowed: an integer from 0 to 10000)`,
			`spec.yaml:8:42: readinessProbe.periodSeconds: invalid value "-.inf" (allowed: an integer from 1 to 3600)`}},
		{name: "surge beyond 32 bits", spec: with("strategy", "strategy: {ramped: {maxSurge: 3000000000}}"), want: []string{
			`spec.yaml:7:21: strategy.ramped.maxSurge: invalid value 3000000000 (allowed: a pod count (0, 1, …) or a percentage such as "25%")`}},
		{name: "no ports", spec: with("ports", "ports: []"), want: []string{
			`spec.yaml:3:1: ports: is empty (allowed: a list of at least one port, such as [{name: http, containerPort: 8080}])`}},
		{name: "ports as a mapping", spec: with("ports", "ports: {name: http, containerPort: 8080}"), want: []string{
			`spec.yaml:3:1: ports: invalid value {…} (allowed: a list of at least one port, such as [{name: http, containerPort: 8080}])`}},
		{name: "comment-only documents", spec: "# placeholder\n---\n" + valid + "---\n# retired: old-web\n"},
		{name: "unquoted float tag", spec: with("stable", "stable: {version: \"v1\", tag: 1.10}"), want: []string{
			`spec.yaml:5:25: stable.tag: 1.10 is a number, not a string (allowed: a string: quote it as "1.10"; unquoted, YAML drops leading and trailing zeros)`}},
		{name: "unquoted octal tag", spec: with("stable", "stable: {version: \"v1\", tag: 0010}"), want: []string{
			`spec.yaml:5:25: stable.tag: 0010 is a number, not a string (allowed: a string: quote it as "0010"; unquoted, YAML drops leading and trailing zeros)`}},
		{name: "no tag or digest", spec: with("stable", "stable: {version: \"v1\"}"), want: []string{
			`spec.yaml:5:1: stable: needs a tag or a digest to name the image (allowed: tag, digest or both)`}},
		{name: "bad digest", spec: with("stable", "stable: {version: \"v1\", digest: \"sha256:abc\"}"), want: []string{
			`spec.yaml:5:25: stable.digest: invalid value "sha256:abc" (allowed: "sha256:" and 64 lowercase hex digits)`}},
		{name: "enum", spec: with("traffic", "traffic: linkerd"), want: []string{
			`spec.yaml:6:1: traffic: invalid value "linkerd" (allowed: "native" or "istio")`}},
		{name: "two strategies", spec: with("strategy", "strategy: {recreate: {}, ramped: {}}"), want: []string{
			`spec.yaml:7:1: strategy: choose exactly one strategy, found recreate and ramped (allowed: recreate, ramped, blueGreen, canary, abTest, shadow, partitioned, onDelete)`}},
		{name: "no strategy", spec: with("strategy", "strategy: {}"), want: []string{
			`spec.yaml:7:1: strategy: choose exactly one strategy (allowed: recreate, ramped, blueGreen, canary, abTest, shadow, partitioned, onDelete)`}},
		{name: "ramped both zero", spec: with("strategy", "strategy: {ramped: {maxSurge: 0, maxUnavailable: \"0%\"}}"), want: []string{
			`spec.yaml:7:12: strategy.ramped: maxSurge and maxUnavailable are both zero, so no pod could ever be replaced (allowed: at least one above zero; maxSurge: 1, maxUnavailable: 0 never drops capacity)`}},
		{name: "ramped bad percent", spec: with("strategy", "strategy: {ramped: {maxUnavailable: \"150%\"}}"), want: []string{
			`spec.yaml:7:21: strategy.ramped.maxUnavailable: invalid value "150%" (allowed: a percentage from 0% to 100%)`}},
		{name: "ramped percentage beyond 32 bits", spec: with("strategy", "strategy: {ramped: {maxSurge: \"99999999999999999999%\"}}"), want: []string{
			`spec.yaml:7:21: strategy.ramped.maxSurge: invalid value "99999999999999999999%" (allowed: a percentage from 0% to 2147483647%)`}},
		{name: "shadow percent below float64", spec: withIn(with("traffic", "traffic: istio"), "strategy", "strategy: {shadow: {percent: 1e-400}}") + "candidate: {version: v2, tag: \"2\"}\n"},
		{name: "ramped surge above 100%", spec: with("strategy", "strategy: {ramped: {maxSurge: \"150%\"}}")},
		{name: "candidate with ramped", spec: with("candidate", "candidate: {version: \"v2\", tag: \"2.0\"}"), want: []string{
			`spec.yaml:9:1: candidate: ramped replaces the running version in place: put the new version in stable (allowed: a candidate with blueGreen, canary, abTest, shadow, partitioned or onDelete)`}},
		{name: "canary weights decrease", spec: with("strategy", "strategy: {canary: {steps: [50, 20, 100]}}"), want: []string{
			`spec.yaml:7:33: strategy.canary.steps[1]: weight 20 does not increase on the previous step's 50 (allowed: increasing weights ending at 100)`}},
		{name: "canary does not end at 100", spec: with("strategy", "strategy: {canary: {steps: [10, 50]}}"), want: []string{
			`spec.yaml:7:33: strategy.canary.steps[1]: the last step is 50 (allowed: the last step sends 100% of traffic to the candidate)`}},
		{name: "canary step past end", spec: with("strategy", "strategy: {canary: {steps: [10, 100], step: 3}}"), want: []string{
			`spec.yaml:7:39: strategy.canary.step: step 3 is past the last step (allowed: 1 to 2)`}},
		{name: "number after a multi-byte character", spec: with("annotations", `annotations: {"a": "ééé", "b": 1.50}`), want: []string{
			`spec.yaml:9:27: annotations.b: 1.50 is a number, not a string (allowed: a string: quote it as "1.50"; unquoted, YAML drops leading and trailing zeros)`}},
		{name: "infinity after a multi-byte character", spec: with("labels", `labels: {"a": "é", b: .inf}`), want: []string{
			`spec.yaml:9:10: labels.a: invalid value "é" (allowed: label values: at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)`,
			`spec.yaml:9:20: labels.b: invalid value ".inf" (allowed: label values: at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)`}},
		{name: "canary step below 0", spec: with("strategy", "strategy: {canary: {steps: [10, 100], step: -1}}"), want: []string{
			`spec.yaml:7:39: strategy.canary.step: invalid value -1 (allowed: an integer from 0 to the number of steps; 0 runs the candidate without traffic)`}},
		{name: "istio canary at step 0", spec: withIn(with("traffic", "traffic: istio"), "strategy", "strategy: {canary: {steps: [10, 100], step: 0}}") + "candidate: {version: v2, tag: \"2\"}\n"},
		{name: "native canary step 0 without candidate", spec: with("strategy", "strategy: {canary: {steps: [10, 100], step: 0}}")},
		{name: "native canary at step 0", spec: with("strategy", "strategy: {canary: {steps: [10, 100], step: 0}}") + "candidate: {version: v2, tag: \"2\"}\n", want: []string{
			`spec.yaml:7:39: strategy.canary.step: step 0 runs the candidate without traffic, which needs traffic: "istio": a native Service sends requests to every ready pod (allowed: 1 to 2; a native canary can start at step 1, as the Service waits for the candidate's pods to be ready)`}},
		{name: "canary weight above 100", spec: with("strategy", "strategy: {canary: {steps: [10, 120]}}"), want: []string{
			`spec.yaml:7:33: strategy.canary.steps[1]: invalid value 120 (allowed: an integer weight from 1 to 100)`}},
		{name: "minReadySeconds not below deadline", spec: with("replicas", "replicas: 4\nminReadySeconds: 900"), want: []string{
			`spec.yaml:5:1: minReadySeconds: 900 is not below progressDeadlineSeconds (600): Kubernetes rejects the Deployment (allowed: less than progressDeadlineSeconds)`}},
		{name: "same port, two protocols", spec: with("ports", "ports: [{name: dns, containerPort: 53}, {name: dns-udp, containerPort: 53, protocol: UDP}]")},
		{name: "node port twice", spec: with("ports", "ports: [{name: http, containerPort: 80, nodePort: 30080}, {name: admin, containerPort: 90, nodePort: 30080}]\nservice: {type: NodePort}"), want: []string{
			`spec.yaml:3:92: ports[1].nodePort: node port 30080/TCP is used twice (allowed: each number once per protocol)`}},
		{name: "config over a ConfigMap", spec: with("replicas", "replicas: 4\nconfig: {BIG: \""+strings.Repeat("x", 1<<20)+"\"}"), want: []string{
			`spec.yaml:5:1: config: the stable version's config is 1048579 bytes (allowed: at most 1048576, the size of one ConfigMap)`}},
		{name: "abTest cookie twice", spec: withIn(with("traffic", "traffic: istio"), "strategy", "strategy: {abTest: {match: [{cookie: {name: grp, value: beta}, headers: {cookie: {exact: x}}}]}}"), want: []string{
			`spec.yaml:7:74: strategy.abTest.match[0].headers.cookie: cookie already matches the Cookie header (allowed: cookie or a cookie header in one match, not both)`}},
		{name: "abTest empty match values", spec: withIn(with("traffic", "traffic: istio"), "strategy", "strategy: {abTest: {match: [{headers: {x-beta: {exact: \"\"}}, queryParams: {q: {regex: \"\"}}}]}}"), want: []string{
			`spec.yaml:7:49: strategy.abTest.match[0].headers."x-beta".exact: invalid value "" (allowed: a non-empty string)`,
			`spec.yaml:7:80: strategy.abTest.match[0].queryParams.q.regex: invalid value "" (allowed: a non-empty RE2 regular expression of at most 1024 characters)`}},
		{name: "abTest needs istio", spec: with("strategy", "strategy: {abTest: {match: [{headers: {x-beta: {exact: \"1\"}}}]}}"), want: []string{
			`spec.yaml:6:1: traffic: abTest routes single requests, which needs a mesh (allowed: traffic: "istio")`}},
		{name: "shadow needs istio", spec: with("strategy", "strategy: {shadow: {percent: 10}}"), want: []string{
			`spec.yaml:6:1: traffic: shadow routes single requests, which needs a mesh (allowed: traffic: "istio")`}},
		{name: "string match needs one operator", spec: withIn(with("strategy", "strategy: {abTest: {match: [{headers: {x-beta: {}}}]}}"), "traffic", "traffic: istio"), want: []string{
			`spec.yaml:7:40: strategy.abTest.match[0].headers."x-beta": sets 0 of exact, prefix and regex (allowed: exactly one)`}},
		{name: "blue-green active candidate without one", spec: with("strategy", "strategy: {blueGreen: {active: candidate}}"), want: []string{
			`spec.yaml:7:24: strategy.blueGreen.active: is "candidate" but no candidate is set (allowed: "stable" without a candidate)`}},
		{name: "same version twice", spec: with("strategy", "strategy: {canary: {steps: [100]}}") + "candidate: {version: \"v1\", tag: \"2\"}\n", want: []string{
			`spec.yaml:9:13: candidate.version: "v1" is also the stable version (allowed: a different version label)`}},
		{name: "host needs istio", spec: with("host", "host: web.example.com"), want: []string{
			`spec.yaml:9:1: host: an external host is compiled to an Istio Gateway (allowed: with traffic: "istio")`}},
		{name: "tls needs host", spec: with("tls", "tls: {credentialName: web-tls}"), want: []string{
			`spec.yaml:9:1: tls: HTTPS is served for the external host (allowed: with host set)`}},
		{name: "tls secret name", spec: with("traffic", "traffic: istio\nhost: web.example.com\ntls: {credentialName: Web_TLS, httpsRedirect: \"no\"}"), want: []string{
			`spec.yaml:8:7: tls.credentialName: invalid value "Web_TLS" (allowed: a Secret name: a DNS-1123 subdomain of at most 253 characters)`,
			`spec.yaml:8:32: tls.httpsRedirect: invalid value "no" (allowed: true or false)`}},
		{name: "gateway needs host", spec: with("traffic", "traffic: istio\ngateway: istio-system/public"), want: []string{
			`spec.yaml:7:1: gateway: binds the external host to a Gateway (allowed: with host set)`}},
		{name: "gateway with own settings", spec: with("traffic", "traffic: istio\nhost: web.example.com\ngateway: public\ntls: {credentialName: web-tls}\ngatewaySelector: {istio: ingress}"), want: []string{
			`spec.yaml:9:1: tls: HTTPS is a setting of the bound Gateway public (allowed: tls without gateway, when rollspec compiles the Gateway)`,
			`spec.yaml:10:1: gatewaySelector: selects the pods of the Gateway rollspec compiles (allowed: gatewaySelector without gateway)`}},
		{name: "empty gateway selector", spec: with("traffic", "traffic: istio\nhost: web.example.com\ngatewaySelector: {}"), want: []string{
			`spec.yaml:8:1: gatewaySelector: is empty (allowed: the labels of the ingress gateway pods, such as {istio: ingressgateway})`}},
		{name: "gateway name", spec: with("traffic", "traffic: istio\nhost: web.example.com\ngateway: Istio-System/public"), want: []string{
			`spec.yaml:8:1: gateway: invalid value "Istio-System/public" (allowed: a Gateway's name, or namespace/name such as "istio-system/public")`}},
		{name: "reserved label", spec: with("labels", "labels: {app: other}"), want: []string{
			`spec.yaml:9:10: labels.app: "app" is set by rollspec (allowed: any other label key)`}},
		{name: "bad label key", spec: with("labels", "labels: {\"a b\": x}"), want: []string{
			`spec.yaml:9:10: labels."a b": invalid key "a b" (allowed: label keys: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.')`}},
		{name: "probe port unknown", spec: with("readinessProbe", "readinessProbe: {tcp: {port: admin}}"), want: []string{
			`spec.yaml:8:24: readinessProbe.tcp.port: no port is named "admin" (allowed: "http")`}},
		{name: "tcp probe on a UDP port", spec: withIn(with("ports", "ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 5353, protocol: UDP}]"), "readinessProbe", "readinessProbe: {tcp: {port: dns}}"), want: []string{
			`spec.yaml:8:24: readinessProbe.tcp.port: probes port dns (5353/UDP) over TCP, which never answers there (allowed: a TCP port, or an exec probe)`}},
		{name: "probe of the first port, UDP", spec: with("ports", "ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]"), want: []string{
			`spec.yaml:8:18: readinessProbe.http: probes port dns (53/UDP) over TCP, which never answers there (allowed: a TCP port, or an exec probe)`}},
		{name: "probe by number picks the TCP port", spec: withIn(with("ports", "ports: [{name: http, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]"), "readinessProbe", "readinessProbe: {tcp: {port: 53}}")},
		{name: "istio first port UDP", spec: withIn(withIn(with("traffic", "traffic: istio\nhost: web.example.com"), "ports", "ports: [{name: http, containerPort: 8080, protocol: UDP}]"), "readinessProbe", "readinessProbe: {exec: {command: [\"true\"]}}"), want: []string{
			`spec.yaml:3:43: ports[0].protocol: Istio routes HTTP over TCP on the first port, which is UDP (allowed: TCP; put other ports after it)`}},
		{name: "probe two kinds", spec: with("readinessProbe", "readinessProbe: {tcp: {}, exec: {command: [\"true\"]}}"), want: []string{
			`spec.yaml:8:1: readinessProbe: sets 2 of http, tcp and exec (allowed: exactly one)`}},
		{name: "probe command not a string", spec: with("readinessProbe", "readinessProbe: {tcp: {}, exec: {command: [true]}}"), want: []string{
			`spec.yaml:8:44: readinessProbe.exec.command[0]: true is a boolean, not a string (allowed: a string: quote it as "true")`}},
		{name: "bad quantity", spec: with("resources", "resources: {requests: {cpu: \"lots\"}}"), want: []string{
			`spec.yaml:9:24: resources.requests.cpu: invalid value "lots" (allowed: a Kubernetes quantity: a number such as 0.5 or 2, or a string such as "500m")`}},
		{name: "negative quantity", spec: with("resources", "resources: {requests: {cpu: -0.5}, limits: {memory: \"-1Gi\"}}"), want: []string{
			`spec.yaml:9:24: resources.requests.cpu: invalid value -0.5 (allowed: a Kubernetes quantity: a number such as 0.5 or 2, or a string such as "500m")`,
			`spec.yaml:9:45: resources.limits.memory: invalid value "-1Gi" (allowed: a Kubernetes quantity: a number of bytes, or a string such as "128Mi" or "1Gi")`}},
		{name: "numeric quantities", spec: with("resources", "resources: {requests: {cpu: 0.25, memory: 1e8}, limits: {cpu: 1}}")},
		{name: "numeric request above limit", spec: with("resources", "resources: {requests: {cpu: 1.5}, limits: {cpu: \"1\"}}"), want: []string{
			`spec.yaml:9:24: resources.requests.cpu: request 1500m is above the limit 1 (allowed: at most the limit)`}},
		{name: "quantity beyond int64", spec: with("resources", "resources: {requests: {memory: 10Ei}, limits: {memory: 9Ei}}"), want: []string{
			`spec.yaml:9:24: resources.requests.memory: is 8Ei (2^63) or more, beyond what Kubernetes stores: it would be cut to 2^63-1 (allowed: below 8Ei)`,
			`spec.yaml:9:48: resources.limits.memory: is 8Ei (2^63) or more, beyond what Kubernetes stores: it would be cut to 2^63-1 (allowed: below 8Ei)`}},
		{name: "fractional bytes", spec: with("resources", "resources: {requests: {memory: 0.5, cpu: 0.5}, limits: {ephemeral-storage: \"1.5\", memory: 1.5Gi}}"), want: []string{
			`spec.yaml:9:24: resources.requests.memory: 500m is a fraction of a byte (allowed: a whole number of bytes, such as "512Mi" or 536870912)`,
			`spec.yaml:9:57: resources.limits."ephemeral-storage": 1500m is a fraction of a byte (allowed: a whole number of bytes, such as "512Mi" or 536870912)`}},
		{name: "request above limit", spec: with("resources", "resources: {requests: {memory: 1Gi}, limits: {memory: 512Mi}}"), want: []string{
			`spec.yaml:9:24: resources.requests.memory: request 1Gi is above the limit 512Mi (allowed: at most the limit)`}},
		{name: "duplicate port name", spec: with("ports", "ports: [{name: http, containerPort: 8080}, {name: http, containerPort: 9090}]"), want: []string{
			`spec.yaml:3:45: ports[1].name: port name "http" is used twice (allowed: unique names)`}},
		{name: "istio needs http port name", spec: with("ports", "ports: [{name: web, containerPort: 8080}]") + "host: web.example.com\n" + "gatewaySelector: {istio: ingress}\n", want: []string{
			`spec.yaml:9:1: host: an external host is compiled to an Istio Gateway (allowed: with traffic: "istio")`}},
		{name: "native canary needs 2 replicas", spec: withIn(with("strategy", "strategy: {canary: {steps: [50, 100]}}"), "replicas", "replicas: 1") + "candidate: {version: \"v2\", tag: \"2\"}\n", want: []string{
			`spec.yaml:4:1: replicas: a native canary splits traffic by pod count and needs at least 2 replicas, has 1 (allowed: 2 or more, or traffic: "istio")`}},
		{name: "many errors at once", spec: "name: Web\nreplicas: x\nbogus: 1\nstable: {version: v1, tag: \"1\"}\nstrategy: {recreate: {}}\nports: [{name: http, containerPort: 80}]\nimage: web\n", want: []string{
			`spec.yaml:1:1: name: invalid value "Web" (allowed: a DNS-1123 label of at most 30 characters: lowercase letters, digits and '-', starting with a letter)`,
			`spec.yaml:2:1: replicas: invalid value "x" (allowed: an integer from 0 to 10000)`,
			`spec.yaml:3:1: bogus: unknown field (allowed: name, namespace, labels, annotations, podAnnotations, image, ports, workload, statefulSet, replicas, env, resources, readinessProbe, livenessProbe, startupProbe, container, pod, minReadySeconds, progressDeadlineSeconds, revisionHistoryLimit, config, configPath, changeCause, podSecurity, runAsUser, imagePullPolicy, stable, candidate, service, host, gatewaySelector, gateway, tls, traffic, strategy, autoscaler, podDisruptionBudget)`}},
		{name: "missing field beside an invalid value", spec: withIn(with("replicas", "replicas: x"), "stable", "stable: {tag: \"1.0\"}"), want: []string{
			`spec.yaml:4:1: replicas: invalid value "x" (allowed: an integer from 0 to 10000)`,
			`spec.yaml:5:1: stable.version: missing required field (allowed: a label value such as "v1.2.0": at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)`}},
		{name: "missing field beside an unknown one", spec: withIn(with("ports", "ports: [{name: http, containerPort: 8080, servcePort: 80}]"), "stable", "stable: {tag: \"1.0\"}"), want: []string{
			`spec.yaml:3:43: ports[0].servcePort: unknown field (did you mean "servicePort"?) (allowed: name, containerPort, servicePort, nodePort, hostPort, protocol, appProtocol, service)`,
			`spec.yaml:5:1: stable.version: missing required field (allowed: a label value such as "v1.2.0": at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)`}},
		{name: "errors in two list elements", spec: with("ports", "ports: [{name: Http, containerPort: 8080}, {name: admin, containerPort: 0}]"), want: []string{
			`spec.yaml:3:10: ports[0].name: invalid value "Http" (allowed: an IANA service name of at most 15 characters: lowercase letters, digits and '-', such as "http" or "grpc-api")`,
			`spec.yaml:3:58: ports[1].containerPort: invalid value 0 (allowed: a port number from 1 to 65535)`}},
		{name: "each of two strategies checked", spec: with("strategy", "strategy: {ramped: {maxSurge: 0, maxUnavailable: 0}, canary: {steps: [50, 20, 90], step: 5}}"), want: []string{
			`spec.yaml:7:1: strategy: choose exactly one strategy, found ramped and canary (allowed: recreate, ramped, blueGreen, canary, abTest, shadow, partitioned, onDelete)`,
			`spec.yaml:7:12: strategy.ramped: maxSurge and maxUnavailable are both zero, so no pod could ever be replaced (allowed: at least one above zero; maxSurge: 1, maxUnavailable: 0 never drops capacity)`,
			`spec.yaml:7:75: strategy.canary.steps[1]: weight 20 does not increase on the previous step's 50 (allowed: increasing weights ending at 100)`,
			`spec.yaml:7:79: strategy.canary.steps[2]: the last step is 90 (allowed: the last step sends 100% of traffic to the candidate)`,
			`spec.yaml:7:84: strategy.canary.step: step 5 is past the last step (allowed: 1 to 3)`}},
		{name: "istio canary step past end", spec: withIn(with("traffic", "traffic: istio"), "strategy", "strategy: {canary: {steps: [10, 100], step: 3}}"), want: []string{
			`spec.yaml:7:39: strategy.canary.step: step 3 is past the last step (allowed: 0, the candidate without traffic, to 2)`}},
		{name: "schema and cross-field errors together", spec: withIn(with("strategy", "strategy: {canary: {steps: [50, 20, 100]}}"), "stable", "stable: {version: \"v1\", tag: \"1.0 bad\"}"), want: []string{
			`spec.yaml:5:25: stable.tag: invalid value "1.0 bad" (allowed: an image tag: at most 128 letters, digits, '_', '.' or '-', quoted if it looks like a number)`,
			`spec.yaml:7:33: strategy.canary.steps[1]: weight 20 does not increase on the previous step's 50 (allowed: increasing weights ending at 100)`}},
		{name: "no consequence of a schema error", spec: withIn(with("strategy", "strategy: {abTest: {match: [{headers: {x-beta: {exact: \"1\"}}}]}}"), "traffic", "traffic: mesh"), want: []string{
			`spec.yaml:6:1: traffic: invalid value "mesh" (allowed: "native" or "istio")`}},
		{name: "duplicate key", spec: valid + "traffic: istio\n", want: []string{
			`spec.yaml:9:1: traffic: duplicate key, first at 6:1 (allowed: each key once)`}},
		{name: "duplicate key beside other problems", spec: with("replicas", "replicas: x") + "traffic: istio\n", want: []string{
			`spec.yaml:4:1: replicas: invalid value "x" (allowed: an integer from 0 to 10000)`,
			`spec.yaml:9:1: traffic: duplicate key, first at 6:1 (allowed: each key once)`}},
		{name: "json duplicate key beside other problems", file: "spec.json", spec: strings.Replace(jsonRelease, `"name": "x",`, `"name": "x", "name": "y", "replicas": -1,`, 1), want: []string{
			`spec.json:1:16: name: duplicate key, first at 1:3 (allowed: each key once)`,
			`spec.json:1:29: replicas: invalid value -1 (allowed: an integer from 0 to 10000)`}},
		{name: "duplicate key, same value", spec: with("stable", "stable: {version: \"v1\", tag: \"1.0\", version: \"v1\"}"), want: []string{
			`spec.yaml:5:37: stable.version: duplicate key, first at 5:10 (allowed: each key once)`}},
		{name: "duplicate key inside a duplicate", spec: valid + "stable: {version: v2, tag: \"2.0\", tag: \"2.1\"}\n", want: []string{
			`spec.yaml:9:1: stable: duplicate key, first at 5:1 (allowed: each key once)`,
			`spec.yaml:9:35: stable.tag: duplicate key, first at 9:23 (allowed: each key once)`}},
		{name: "statefulset canary", spec: with("strategy", "strategy: {canary: {steps: [50, 100]}}\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2.0\"}"), want: []string{
			`spec.yaml:7:12: strategy.canary: workload StatefulSet does not take canary: a StatefulSet holds one pod template and owns its pods' names and volumes: two versions side by side would need a second StatefulSet with claims of its own (allowed: partitioned, ramped, onDelete)`}},
		{name: "deployment partitioned", spec: with("strategy", "strategy: {partitioned: {steps: [4]}}"), want: []string{
			`spec.yaml:7:12: strategy.partitioned: workload Deployment does not take partitioned: partitioned updates a StatefulSet and onDelete a StatefulSet or DaemonSet; a Deployment moves between versions with the others (allowed: recreate, ramped, blueGreen, canary, abTest, shadow)`}},
		{name: "statefulset ramped with surge", spec: valid + "workload: StatefulSet\n", want: []string{
			`spec.yaml:7:21: strategy.ramped.maxSurge: a StatefulSet never runs a pod above replicas: each ordinal is one pod, stopped before its replacement starts (allowed: leave it out; maxUnavailable with statefulSet.podManagementPolicy: Parallel replaces more than one pod at a time)`,
			`spec.yaml:7:34: strategy.ramped.maxUnavailable: a StatefulSet's rolling update needs at least one pod it may stop, and Kubernetes refuses 0 (allowed: a pod count from 1, or a percentage above 0%, rounded down to at least 1)`,
			`spec.yaml:7:34: strategy.ramped.maxUnavailable: with podManagementPolicy OrderedReady (Kubernetes' default) a StatefulSet recreates its pods one at a time, each waiting for the one before to be Ready, so maxUnavailable would only leave more pods down, not replace more at once (allowed: statefulSet.podManagementPolicy: Parallel, fixed when the StatefulSet is created; or leave maxUnavailable out)`}},
		{name: "statefulset maxUnavailable, OrderedReady", spec: with("strategy", "strategy: {ramped: {maxUnavailable: 2}}\nworkload: StatefulSet\nstatefulSet: {podManagementPolicy: OrderedReady}"), want: []string{
			`spec.yaml:7:21: strategy.ramped.maxUnavailable: with podManagementPolicy OrderedReady (Kubernetes' default) a StatefulSet recreates its pods one at a time, each waiting for the one before to be Ready, so maxUnavailable would only leave more pods down, not replace more at once (allowed: statefulSet.podManagementPolicy: Parallel, fixed when the StatefulSet is created; or leave maxUnavailable out)`}},
		{name: "statefulset maxUnavailable 0%, Parallel", spec: with("strategy", "strategy: {ramped: {maxUnavailable: \"0%\"}}\nworkload: StatefulSet\nstatefulSet: {podManagementPolicy: Parallel}"), want: []string{
			`spec.yaml:7:21: strategy.ramped.maxUnavailable: a StatefulSet's rolling update needs at least one pod it may stop, and Kubernetes refuses 0 (allowed: a pod count from 1, or a percentage above 0%, rounded down to at least 1)`}},
		{name: "statefulset serviceName is the load-balanced Service's", spec: with("strategy", "strategy: {ramped: {}}\nworkload: StatefulSet\nstatefulSet: {serviceName: web}"), want: []string{
			`spec.yaml:9:15: statefulSet.serviceName: the load-balanced Service is named web too (allowed: another name, or statefulSet.loadBalancedService: false to compile only the governing Service)`}},
		{name: "statefulset serviceName not a Service name", spec: with("strategy", "strategy: {ramped: {}}\nworkload: StatefulSet\nstatefulSet: {serviceName: 1db}"), want: []string{
			`spec.yaml:9:15: statefulSet.serviceName: invalid value "1db" (allowed: a Service name: a lowercase letter, then lowercase letters, digits and '-', at most 63, such as "orders-pg")`}},
		{name: "statefulset serviceName web without the load-balanced Service", spec: with("strategy", "strategy: {ramped: {}}\nworkload: StatefulSet\nstatefulSet: {serviceName: web, loadBalancedService: false}")},
		{name: "statefulset without the load-balanced Service, shaped", spec: withIn(with("strategy", "strategy: {ramped: {}}\nworkload: StatefulSet\nstatefulSet: {loadBalancedService: false}\nservice: {type: LoadBalancer, annotations: {a: b}, spec: {sessionAffinity: ClientIP}}"), "traffic", "traffic: istio"), want: []string{
			`spec.yaml:9:15: statefulSet.loadBalancedService: traffic: istio routes the requests for Service web to the versions' pods, so it cannot be left out (allowed: traffic: native; or leave loadBalancedService out)`,
			`spec.yaml:10:11: service.type: with statefulSet.loadBalancedService: false there is no Service web to make LoadBalancer (allowed: leave service.type out, or loadBalancedService: true)`,
			`spec.yaml:10:31: service.annotations: with statefulSet.loadBalancedService: false there is no Service web to shape, and the governing Service takes none of it (allowed: leave it out, or loadBalancedService: true)`,
			`spec.yaml:10:52: service.spec: with statefulSet.loadBalancedService: false there is no Service web to shape, and the governing Service takes none of it (allowed: leave it out, or loadBalancedService: true)`}},
		{name: "loadBalancedService on a Deployment", spec: valid + "statefulSet: {loadBalancedService: false}\n", want: []string{
			`spec.yaml:9:1: statefulSet: is for workload: StatefulSet (allowed: leave it out, or workload: StatefulSet)`}},
		{name: "partitioned statefulset autoscaler", spec: withIn(with("replicas", "workload: StatefulSet\nautoscaler: {maxReplicas: 3, targetCPUUtilizationPercentage: 50}\nresources: {requests: {cpu: 100m}}\ncandidate: {version: v2, tag: \"2.0\"}"), "strategy", "strategy: {partitioned: {steps: [1]}}"), want: []string{
			`spec.yaml:5:1: autoscaler: a partitioned update's partition is an ordinal, replicas less the step's pods, and nothing moves it with the replica count an autoscaler sets: the pods it adds (the highest ordinals) would all run the candidate and those it removes would be the candidate's first, so the step's share of pods would not hold (allowed: leave the autoscaler out while partitioned, with replicas sized for the peak)`}},
		{name: "statefulset maxUnavailable, Parallel", spec: with("strategy", "strategy: {ramped: {maxUnavailable: \"50%\"}}\nworkload: StatefulSet\nstatefulSet: {podManagementPolicy: Parallel}")},
		{name: "statefulset partitioned", spec: with("strategy", "strategy: {partitioned: {steps: [1, 4], step: 1}}\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2.0\"}")},
		{name: "daemonset ramped, surge and unavailable", spec: with("strategy", "strategy: {ramped: {maxSurge: 1, maxUnavailable: \"10%\"}}\nworkload: DaemonSet"), want: []string{
			`spec.yaml:4:1: replicas: a DaemonSet runs one pod on each node its node selector, affinity and tolerations admit (allowed: leave it out; choose the nodes in pod.nodeSelector)`,
			`spec.yaml:7:21: strategy.ramped.maxSurge: a DaemonSet either starts a node's new pod before stopping the old one (maxSurge) or stops it first (maxUnavailable), not both (allowed: maxSurge 0 with maxUnavailable above 0, or maxUnavailable 0 with maxSurge above 0)`}},
		{name: "daemonset ramped by default", spec: withIn(with("replicas", "workload: DaemonSet"), "strategy", "strategy: {ramped: {}}")},
		{name: "partitioned steps", spec: with("strategy", "strategy: {partitioned: {steps: [2, 2, 3], step: 4}}\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2.0\", replicas: 2}"), want: []string{
			`spec.yaml:7:37: strategy.partitioned.steps[1]: 2 pods does not increase on the previous step's 2 (allowed: increasing pod counts ending at replicas)`,
			`spec.yaml:7:40: strategy.partitioned.steps[2]: the last step updates 3 pods of 4 (allowed: the last step is replicas, 4, which ends the update)`,
			`spec.yaml:7:44: strategy.partitioned.step: step 4 is past the last step (allowed: 0, the new template without replacing a pod, to 3)`,
			`spec.yaml:9:38: candidate.replicas: one StatefulSet runs every version (allowed: leave it out, and set replicas on the release)`}},
		{name: "statefulset autoscaler", spec: withIn(with("replicas", "workload: StatefulSet\nautoscaler: {maxReplicas: 3, targetCPUUtilizationPercentage: 50}\nresources: {requests: {cpu: 100m}}"), "strategy", "strategy: {ramped: {}}")},
		{name: "statefulset onDelete autoscaler", spec: withIn(with("replicas", "workload: StatefulSet\nautoscaler: {maxReplicas: 3, targetCPUUtilizationPercentage: 50}\nresources: {requests: {cpu: 100m}}"), "strategy", "strategy: {onDelete: {}}")},
		{name: "statefulset autoscaler and replicas", spec: withIn(with("replicas", "workload: StatefulSet\nreplicas: 2\nautoscaler: {maxReplicas: 3, targetCPUUtilizationPercentage: 50}\nresources: {requests: {cpu: 100m}}"), "strategy", "strategy: {ramped: {}}"), want: []string{
			`spec.yaml:5:1: replicas: the autoscaler decides replicas (allowed: autoscaler.minReplicas and autoscaler.maxReplicas)`}},
		{name: "daemonset autoscaler", spec: withIn(with("replicas", "workload: DaemonSet\nautoscaler: {maxReplicas: 3, targetCPUUtilizationPercentage: 50}\nresources: {requests: {cpu: 100m}}"), "strategy", "strategy: {ramped: {}}"), want: []string{
			`spec.yaml:5:1: autoscaler: a DaemonSet runs one pod on each node its pods admit and has no replica count to scale (allowed: leave it out)`}},
		{name: "daemonset with istio, a budget and statefulSet", spec: withIn(withIn(with("strategy", "strategy: {onDelete: {}}\nworkload: DaemonSet\npodDisruptionBudget: {maxUnavailable: 1}\nstatefulSet: {podManagementPolicy: Parallel}"), "traffic", "traffic: istio"), "replicas", ""), want: []string{
			`spec.yaml:5:1: traffic: a DaemonSet's versions take the share of nodes its rollout has reached, which no route weight can follow (allowed: "native", the Service)`,
			`spec.yaml:8:1: podDisruptionBudget: a node drain leaves a DaemonSet's pods where they are (kubectl drain --ignore-daemonsets), so a budget would guard nothing (allowed: leave it out)`,
			`spec.yaml:9:1: statefulSet: is for workload: StatefulSet (allowed: leave it out, or workload: StatefulSet)`}},
		{name: "statefulset claim templates", spec: with("strategy", `strategy: {onDelete: {}}
workload: StatefulSet
container: {volumeMounts: [{name: data, mountPath: /data}, {name: logs, mountPath: /logs}, {name: cache, mountPath: /cache}]}
pod: {volumes: [{name: logs, emptyDir: {}}]}
statefulSet:
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessMode: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
    - metadata: {name: logs}
    - metadata: {name: Bad_Name}`), want: []string{
			`spec.yaml:9:93: container.volumeMounts[2].name: the main container mounts volume "cache", which the pod does not have (allowed: a volume of the pod: "Bad_Name", "data", "logs")`,
			`spec.yaml:10:17: pod.volumes[0]: two volumes are named "logs" (allowed: one volume per name, claim templates included)`,
			`spec.yaml:13:7: statefulSet.volumeClaimTemplates[0]: claim template "data" has no spec.accessModes (allowed: a list such as [ReadWriteOnce])`,
			`spec.yaml:14:14: statefulSet.volumeClaimTemplates[0].spec.accessMode: unknown field (did you mean "accessModes"?) (allowed: accessModes, selector, resources, volumeName, storageClassName, volumeMode, dataSource, dataSourceRef, volumeAttributesClassName)`,
			`spec.yaml:15:7: statefulSet.volumeClaimTemplates[1]: claim template "logs" has no spec.accessModes (allowed: a list such as [ReadWriteOnce])`,
			`spec.yaml:15:7: statefulSet.volumeClaimTemplates[1]: claim template "logs" requests no storage (allowed: spec.resources.requests.storage, such as 1Gi)`,
			`spec.yaml:16:7: statefulSet.volumeClaimTemplates[2]: claim template "Bad_Name" has no spec.accessModes (allowed: a list such as [ReadWriteOnce])`,
			`spec.yaml:16:7: statefulSet.volumeClaimTemplates[2]: claim template "Bad_Name" requests no storage (allowed: spec.resources.requests.storage, such as 1Gi)`,
			`spec.yaml:16:18: statefulSet.volumeClaimTemplates[2].metadata.name: claim template name "Bad_Name" is not a DNS-1123 label (allowed: lowercase letters, digits and '-', at most 63 characters)`}},
		{name: "daemonset with a progress deadline", spec: withIn(with("replicas", "workload: DaemonSet\nprogressDeadlineSeconds: 300"), "strategy", "strategy: {onDelete: {}}"), want: []string{
			`spec.yaml:5:1: progressDeadlineSeconds: a DaemonSet has no progress deadline: only a Deployment's rollout is marked failed after one (allowed: leave it out)`}},
		{name: "claim template values", spec: with("strategy", `strategy: {onDelete: {}}
workload: StatefulSet
container: {volumeMounts: [{name: data, mountPath: /d}]}
statefulSet:
  volumeClaimTemplates:
    - metadata: {name: data, namespace: other}
      spec: {accessModes: [ReadWriteSometimes, ReadWriteOncePod], volumeMode: Disk, resources: {requests: {storage: -1Gi}}}
      status: {phase: Bound}`), want: []string{
			`spec.yaml:12:7: statefulSet.volumeClaimTemplates[0].metadata: a claim template's metadata is its name, labels and annotations: the StatefulSet makes each claim in its own namespace (allowed: name, labels, annotations)`,
			`spec.yaml:13:28: statefulSet.volumeClaimTemplates[0].spec.accessModes[0]: invalid value "ReadWriteSometimes" (allowed: "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")`,
			`spec.yaml:13:48: statefulSet.volumeClaimTemplates[0].spec.accessModes[1]: ReadWriteOncePod goes alone (allowed: [ReadWriteOncePod], or the other modes without it)`,
			`spec.yaml:13:67: statefulSet.volumeClaimTemplates[0].spec.volumeMode: invalid value "Disk" (allowed: "Filesystem" or "Block")`,
			`spec.yaml:13:108: statefulSet.volumeClaimTemplates[0].spec.resources.requests.storage: invalid value "-1Gi" (allowed: a size above zero, such as 1Gi)`,
			`spec.yaml:14:7: statefulSet.volumeClaimTemplates[0].status: the cluster writes a claim's status (allowed: leave it out)`}},
		{name: "daemonset surge on the node's network", spec: withIn(with("replicas", "workload: DaemonSet\npodSecurity: privileged\npod: {hostNetwork: true}"), "strategy", "strategy: {ramped: {maxSurge: \"101%\"}}"), want: []string{
			`spec.yaml:9:21: strategy.ramped.maxSurge: invalid value "101%": a DaemonSet surges at most one pod on each node (allowed: a count, or a percentage of nodes up to 100%)`,
			`spec.yaml:9:21: strategy.ramped.maxSurge: the pods use the node's network (pod.hostNetwork), so a node's new pod cannot start beside its old one and the rollout would stall (allowed: maxUnavailable above 0 with maxSurge 0)`}},
		{name: "statefulSet mistakes all at once", spec: with("strategy", `strategy: {ramped: {}}
workload: StatefulSet
container: {volumeMounts: [{name: data, mountPath: /d}]}
statefulSet:
  podManagementPolicy: parallel
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accesModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}`), want: []string{
			`spec.yaml:11:3: statefulSet.podManagementPolicy: invalid value "parallel" (allowed: "OrderedReady" or "Parallel")`,
			`spec.yaml:13:7: statefulSet.volumeClaimTemplates[0]: claim template "data" has no spec.accessModes (allowed: a list such as [ReadWriteOnce])`,
			`spec.yaml:14:14: statefulSet.volumeClaimTemplates[0].spec.accesModes: unknown field (did you mean "accessModes"?) (allowed: accessModes, selector, resources, volumeName, storageClassName, volumeMode, dataSource, dataSourceRef, volumeAttributesClassName)`}},
		{name: "statefulset onDelete with istio", spec: withIn(with("strategy", "strategy: {onDelete: {}}\nworkload: StatefulSet"), "traffic", "traffic: istio"), want: []string{
			`spec.yaml:6:1: traffic: with onDelete, which pods run the candidate is up to whoever deletes them, which no route weight can follow (allowed: "native", the Service; or partitioned, whose step sets each version's share)`}},
		{name: "statefulset partitioned with istio", spec: withIn(with("strategy", "strategy: {partitioned: {steps: [2, 4]}}\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2.0\"}"), "traffic", "traffic: istio")},
		{name: "a field in onDelete", spec: with("strategy", "strategy: {onDelete: {maxUnavailable: 1}}\nworkload: StatefulSet"), want: []string{
			`spec.yaml:7:23: strategy.onDelete.maxUnavailable: unknown field (allowed: none: it is written {})`}},
		{name: "staged statefulset with istio on a tcp port", spec: withIn(withIn(with("strategy", "strategy: {partitioned: {steps: [2, 4]}}\nworkload: StatefulSet\ncandidate: {version: v2, tag: \"2.0\"}"), "traffic", "traffic: istio"), "ports", "ports: [{name: tcp-pg, containerPort: 5432}]"), want: []string{
			`spec.yaml:3:10: ports[0].name: Istio routes HTTP on the first port, named "tcp-pg" (allowed: http, http2, grpc or grpc-web, alone or before a '-' suffix, as in http-api)`}},
		{name: "unknown workload", spec: valid + "workload: Pod\n", want: []string{
			`spec.yaml:9:1: workload: invalid value "Pod" (allowed: "Deployment", "StatefulSet" or "DaemonSet")`}},
		{name: "stream element", spec: valid + "---\n" + with("replicas", "replicas: x"), want: []string{
			`spec.yaml:13:1: [1].replicas: invalid value "x" (allowed: an integer from 0 to 10000)`}},
		{name: "empty documents", spec: "---\n" + valid + "---\n---\n"},
		{name: "not a release", spec: "apiVersion: v1\nkind: ConfigMap\n---\nreplicaCount: 3\n", want: []string{
			`spec.yaml:1:1: [0]: is a Kubernetes object (kind ConfigMap), not a release spec (allowed: a release: name, image, ports, stable, strategy, …)`,
			`spec.yaml:4:1: [1]: holds no release field (found replicaCount), not a release spec (allowed: a release: name, image, ports, stable, strategy, …)`}},
		{name: "only a misspelt field", spec: "nmae: web\n", want: []string{
			`spec.yaml:1:1: name: missing required field (allowed: a DNS-1123 label of at most 30 characters: lowercase letters, digits and '-', starting with a letter)`,
			`spec.yaml:1:1: nmae: unknown field (did you mean "name"?) (allowed: name, namespace, labels, annotations, podAnnotations, image, ports, workload, statefulSet, replicas, env, resources, readinessProbe, livenessProbe, startupProbe, container, pod, minReadySeconds, progressDeadlineSeconds, revisionHistoryLimit, config, configPath, changeCause, podSecurity, runAsUser, imagePullPolicy, stable, candidate, service, host, gatewaySelector, gateway, tls, traffic, strategy, autoscaler, podDisruptionBudget)`,
			`spec.yaml:1:1: ports: missing required field (allowed: a list of at least one port, such as [{name: http, containerPort: 8080}])`,
			`spec.yaml:1:1: stable: missing required field (allowed: the version serving users: {version: "v1", tag: "1.0"}, a tag and/or a digest)`,
			`spec.yaml:1:1: strategy: choose exactly one strategy (allowed: recreate, ramped, blueGreen, canary, abTest, shadow, partitioned, onDelete)`}},
		// The parser gives up at the end of the file, where the list
		// should have been closed.
		{name: "yaml syntax error", spec: "name: [web\n", want: []string{
			`spec.yaml:2:1: did not find expected ',' or ']' (allowed: a flow list closed by ']', such as [a, b])`}},
		{name: "yaml syntax error in a block mapping", spec: with("stable", "stable:\n  version: v1\n tag: x"), want: []string{
			`spec.yaml:7:1: did not find expected key (allowed: the keys of one mapping at one indentation; a list only as a key's value, on the lines below it)`}},
		{name: "yaml syntax error in one document, the others checked", spec: "# web\n---\n" + with("replicas", "replicas: -1") + "---\nname: [web\n---\n" + with("replicas", "replicas: x"), want: []string{
			`spec.yaml:6:1: [0].replicas: invalid value -1 (allowed: an integer from 0 to 10000)`,
			`spec.yaml:12:1: did not find expected ',' or ']' (allowed: a flow list closed by ']', such as [a, b])`,
			`spec.yaml:17:1: [2].replicas: invalid value "x" (allowed: an integer from 0 to 10000)`}},
		{name: "json stream", file: "spec.json", spec: jsonRelease + "\n" + strings.Replace(jsonRelease, `"x"`, `"y"`, 1) + "\n"},
		{name: "json stream element", file: "spec.json", spec: jsonRelease + "\n" + strings.Replace(jsonRelease, `"x"`, `"Y"`, 1), want: []string{
			`spec.json:2:3: [1].name: invalid value "Y" (allowed: a DNS-1123 label of at most 30 characters: lowercase letters, digits and '-', starting with a letter)`}},
		{name: "json stream duplicate key", file: "spec.json", spec: jsonRelease + "\n" + strings.Replace(jsonRelease, `{"name": "x",`, `{"name": "y", "name": "y",`, 1), want: []string{
			`spec.json:2:16: [1].name: duplicate key, first at 2:3 (allowed: each key once)`}},
		{name: "json truncated", file: "spec.json", spec: jsonRelease + "\n{\"name\": ", want: []string{
			`spec.json:2:10: invalid JSON: unexpected end of input (allowed: a JSON value, or a stream of them)`}},
		{name: "json junk after value", file: "spec.json", spec: jsonRelease + " x", want: []string{
			`spec.json:1:` + strconv.Itoa(len(jsonRelease)+2) + `: invalid JSON: invalid character 'x' looking for beginning of value (allowed: a JSON value, or a stream of them)`}},
		{name: "ndjson on stdin", file: "<stdin>", spec: jsonRelease + "\n" + strings.Replace(jsonRelease, `"x"`, `"Y"`, 1), want: []string{
			`<stdin>:2:3: [1].name: invalid value "Y" (allowed: a DNS-1123 label of at most 30 characters: lowercase letters, digits and '-', starting with a letter)`}},
		{name: "configPath root", spec: valid + "configPath: /\n", want: []string{
			`spec.yaml:9:1: configPath: invalid value "/" (allowed: an absolute directory path other than /, without ':' or '..')`}},
		{name: "configPath climbing", spec: valid + "configPath: /app/../etc\n", want: []string{
			`spec.yaml:9:1: configPath: invalid value "/app/../etc" (allowed: an absolute directory path other than /, without ':' or '..')`}},
		{name: "configPath with dots in a name", spec: valid + "configPath: /etc/app..d/conf.d\n"},
		{name: "probe on the service port", spec: withIn(with("readinessProbe", "readinessProbe: {http: {path: /healthz, port: 80}}"), "ports", "ports: [{name: http, containerPort: 8080, servicePort: 80}]"), want: []string{
			`spec.yaml:8:41: readinessProbe.http.port: 80 is port http's servicePort; the kubelet probes the pod, which listens on containerPort 8080 (allowed: a container port number, or a port name such as "http")`}},
		{name: "probe on an undeclared port", spec: with("readinessProbe", "readinessProbe: {tcp: {port: 9000}}")},
		{name: "not UTF-8", spec: with("image", "image: example/w\xe9b"), want: []string{
			`spec.yaml:2:17: is not UTF-8 text (allowed: a YAML, JSON or CUE file in UTF-8)`}},
		{name: "json with a byte order mark", file: "spec.json", spec: "\uFEFF" + jsonRelease},
		{name: "json number tag", file: "spec.json", spec: strings.Replace(jsonRelease, `"tag": "1"`, `"tag": 1.10`, 1), want: []string{
			`spec.json:1:116: stable.tag: 1.10 is a number, not a string (allowed: a string: quote it as "1.10")`}},
		{name: "yaml syntax error beside a comment-only document", spec: valid + "---\n# retired: old-web\n---\nname: [web\n", want: []string{
			`spec.yaml:12:1: did not find expected ',' or ']' (allowed: a flow list closed by ']', such as [a, b])`}},
		{name: "a port Istio cannot route beside a bad strategy, with a candidate", spec: "name: web\nimage: example/web\nports: [{name: web, containerPort: 8080}]\nreplicas: 3\ntraffic: istio\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {canary: {steps: [50, 100], stepp: 2}}\n", want: []string{
			`spec.yaml:3:10: ports[0].name: Istio routes HTTP on the first port, named "web" (allowed: http, http2, grpc or grpc-web, alone or before a '-' suffix, as in http-api)`,
			`spec.yaml:8:39: strategy.canary.stepp: unknown field (did you mean "steps"?) (allowed: steps, step)`}},
		{name: "cue conflict beside other problems", file: "spec.cue", spec: "name: \"web\"\nimage: \"example/web\"\nports: [{name: \"http\", containerPort: 8080}]\nreplicas: 2\nreplicas: 3\nstable: {version: \"v1\", tag: \"1\"}\nstrategy: rampd: {}\n", want: []string{
			`spec.cue:4:11: replicas: conflicting values 3 and 2, written at spec.cue:4:11 and spec.cue:5:11 (allowed: one value, or a default marked *value that the other overrides)`,
			`spec.cue:7:11: strategy.rampd: unknown field (did you mean "ramped"?) (allowed: recreate, ramped, blueGreen, canary, abTest, shadow, partitioned, onDelete)`}},
		{name: "autoscaler", spec: with("replicas", "resources: {requests: {cpu: 100m}}\nautoscaler: {minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70, metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: 100}}}], behavior: {scaleDown: {stabilizationWindowSeconds: 300, policies: [{type: Pods, value: 1, periodSeconds: 60}]}}}")},
		{name: "autoscaler with replicas", spec: withIn(with("stable", "stable: {version: \"v1\", tag: \"1.0\", replicas: 3}"), "replicas", "replicas: 4\nautoscaler: {maxReplicas: 6, metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: 100}}}]}"), want: []string{
			`spec.yaml:4:1: replicas: the autoscaler decides replicas (allowed: autoscaler.minReplicas and autoscaler.maxReplicas)`,
			`spec.yaml:6:37: stable.replicas: the autoscaler decides replicas (allowed: autoscaler.minReplicas and autoscaler.maxReplicas)`}},
		{name: "autoscaler without a metric", spec: with("replicas", "autoscaler: {minReplicas: 3, maxReplicas: 2}"), want: []string{
			`spec.yaml:4:1: autoscaler: has no metric to scale by, so it would never change the replicas (allowed: targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage or metrics)`,
			`spec.yaml:4:30: autoscaler.maxReplicas: 2 is below minReplicas (3) (allowed: at least minReplicas)`}},
		{name: "candidate's autoscaler minimum without an autoscaler", spec: withIn(withIn(with("replicas", "candidate: {version: v2, tag: \"2\", autoscaler: {minReplicas: 3}}"), "traffic", "traffic: istio"), "strategy", "strategy: {canary: {steps: [50, 100], step: 0}}"), want: []string{
			`spec.yaml:4:49: candidate.autoscaler.minReplicas: sizes the release's autoscaler, which is not set (allowed: with autoscaler)`}},
		{name: "candidate's autoscaler minimum above maxReplicas", spec: withIn(withIn(with("replicas", "candidate: {version: v2, tag: \"2\", autoscaler: {minReplicas: 5}}\nresources: {requests: {cpu: 100m}}\nautoscaler: {maxReplicas: 4, targetCPUUtilizationPercentage: 50}"), "traffic", "traffic: istio"), "strategy", "strategy: {canary: {steps: [50, 100], step: 0}}"), want: []string{
			`spec.yaml:4:49: candidate.autoscaler.minReplicas: 5 is above autoscaler.maxReplicas (4) (allowed: at most autoscaler.maxReplicas)`}},
		{name: "partitioned routes waiting without istio", spec: "name: db\nimage: example/db\nports: [{name: http, containerPort: 8080}]\nworkload: StatefulSet\nreplicas: 3\nrunAsUser: 1000\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\"}\nstrategy: {partitioned: {steps: [1, 3], step: 1, routed: false}}\n", want: []string{
			`spec.yaml:9:50: strategy.partitioned.routed: routes can wait for the pods only with traffic: istio, a candidate and a step from 1 (allowed: no routed, the routes following step; a native Service follows ready pods itself)`}},
		{name: "autoscaler cpu target without a request", spec: with("replicas", "autoscaler: {maxReplicas: 2, targetCPUUtilizationPercentage: 50, targetMemoryUtilizationPercentage: 50}\nresources: {requests: {memory: 64Mi}}"), want: []string{
			`spec.yaml:4:30: autoscaler.targetCPUUtilizationPercentage: is a percentage of the container's cpu request, which is not set: the autoscaler cannot compute it and never scales (allowed: with resources.requests.cpu)`}},
		{name: "autoscaler maxReplicas missing", spec: with("replicas", "autoscaler: {targetCPUUtilizationPercentage: 0}"), want: []string{
			`spec.yaml:4:1: autoscaler.maxReplicas: missing required field (allowed: an integer from 1 to 10000, at least minReplicas)`,
			`spec.yaml:4:14: autoscaler.targetCPUUtilizationPercentage: invalid value 0 (allowed: an integer percentage of the CPU request from 1 to 1000)`}},
		{name: "autoscaler with a native canary", spec: withIn(with("replicas", "autoscaler: {maxReplicas: 4, metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: 100}}}]}\ncandidate: {version: v2, tag: \"2\"}"), "strategy", "strategy: {canary: {steps: [50, 100]}}"), want: []string{
			`spec.yaml:4:1: autoscaler: a native canary's traffic share is its share of pods, which the autoscaler would change (allowed: an autoscaler with traffic: "istio", whose weights are independent of scale)`}},
		{name: "autoscaler metrics misspelt", spec: with("replicas", "autoscaler: {maxReplicas: 4, metrics: [{type: Resource, resource: {name: cpu, taget: {type: Utilization, averageUtilization: 50}}}], behavior: {scaleUp: {policies: [{type: Pods, value: \"one\", periodSeconds: 60}]}, scaleDwn: {}}}"), want: []string{
			`spec.yaml:4:79: autoscaler.metrics[0].resource.taget: unknown field (did you mean "target"?) (allowed: name, target)`,
			`spec.yaml:4:179: autoscaler.behavior.scaleUp.policies[0].value: invalid value "one" (allowed: an integer)`,
			`spec.yaml:4:215: autoscaler.behavior.scaleDwn: unknown field (did you mean "scaleDown"?) (allowed: scaleUp, scaleDown)`}},
		{name: "autoscaler metric quantity", spec: with("replicas", "autoscaler: {maxReplicas: 4, metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: lots}}}], behavior: 3}"), want: []string{
			`spec.yaml:4:110: autoscaler.metrics[0].pods.target.averageValue: invalid value "lots" (allowed: a Kubernetes quantity such as "500m", "128Mi" or 2)`,
			`spec.yaml:4:134: autoscaler.behavior: invalid value 3 (allowed: an autoscaling/v2 HorizontalPodAutoscalerBehavior: scaleUp and/or scaleDown)`}},
		{name: "budget", spec: with("replicas", "replicas: 2\npodDisruptionBudget: {minAvailable: \"50%\", unhealthyPodEvictionPolicy: AlwaysAllow}")},
		{name: "budget neither", spec: with("replicas", "replicas: 2\npodDisruptionBudget: {unhealthyPodEvictionPolicy: IfHealthyBudget}"), want: []string{
			`spec.yaml:5:1: podDisruptionBudget: sets neither of minAvailable and maxUnavailable (allowed: exactly one)`}},
		{name: "budget eviction policy", spec: with("replicas", "replicas: 2\npodDisruptionBudget: {maxUnavailable: 1, unhealthyPodEvictionPolicy: Always}"), want: []string{
			`spec.yaml:5:42: podDisruptionBudget.unhealthyPodEvictionPolicy: invalid value "Always" (allowed: "IfHealthyBudget" or "AlwaysAllow")`}},
		{name: "budget percentage above 100%", spec: with("replicas", "replicas: 2\npodDisruptionBudget: {minAvailable: 1, maxUnavailable: \"150%\"}"), want: []string{
			`spec.yaml:5:40: podDisruptionBudget.maxUnavailable: invalid value "150%" (allowed: a pod count (1, 2, …) or a percentage from 0% to 100%, such as "25%")`}},
		{name: "budget both", spec: with("replicas", "replicas: 2\npodDisruptionBudget: {minAvailable: 1, maxUnavailable: 1}"), want: []string{
			`spec.yaml:5:1: podDisruptionBudget: sets both of minAvailable and maxUnavailable (allowed: exactly one)`}},
		{name: "budget minAvailable all pods", spec: with("replicas", "replicas: 2\npodDisruptionBudget: {minAvailable: 2}"), want: []string{
			`spec.yaml:5:23: podDisruptionBudget.minAvailable: 2 keeps all 2 pods of Deployment web available, so none can ever be evicted and node drains block (allowed: fewer than 2, or maxUnavailable)`}},
		{name: "budget minAvailable percentage rounds up to all pods", spec: with("replicas", "replicas: 3\npodDisruptionBudget: {minAvailable: \"67%\"}"), want: []string{
			`spec.yaml:5:23: podDisruptionBudget.minAvailable: "67%" (3 of 3, rounded up) keeps all 3 pods of Deployment web available, so none can ever be evicted and node drains block (allowed: fewer than 3, or maxUnavailable)`}},
		{name: "budget minAvailable percentage below all pods", spec: with("replicas", "replicas: 3\npodDisruptionBudget: {minAvailable: \"66%\"}")},
		{name: "budget of a single pod", spec: with("replicas", "podDisruptionBudget: {minAvailable: 1}"), want: []string{
			`spec.yaml:4:23: podDisruptionBudget.minAvailable: 1 keeps all 1 pod of Deployment web available, so none can ever be evicted and node drains block (allowed: maxUnavailable, or more pods)`}},
		{name: "autoscaler misspelt with replicas", spec: with("replicas", "replicas: 2\nautoscaler: {maxReplicas: 4, metrics: [{tpye: Pods}]}"), want: []string{
			`spec.yaml:4:1: replicas: the autoscaler decides replicas (allowed: autoscaler.minReplicas and autoscaler.maxReplicas)`,
			`spec.yaml:5:41: autoscaler.metrics[0].tpye: unknown field (did you mean "type"?) (allowed: type, object, pods, resource, containerResource, external)`}},
		{name: "budget maxUnavailable zero", spec: with("replicas", "replicas: 3\npodDisruptionBudget: {maxUnavailable: \"0%\"}"), want: []string{
			`spec.yaml:5:23: podDisruptionBudget.maxUnavailable: "0%" lets none of the 3 pods of Deployment web be evicted, so node drains block (allowed: 1 or more, or a percentage above 0%)`}},
		{name: "budget maxUnavailable small percentage rounds up", spec: with("replicas", "replicas: 3\npodDisruptionBudget: {maxUnavailable: \"1%\"}")},
		{name: "budget on no pods", spec: with("replicas", "replicas: 0\npodDisruptionBudget: {maxUnavailable: 0}")},
		{name: "budget at the autoscaler's minimum, per Deployment", spec: withIn(with("replicas", "autoscaler: {minReplicas: 2, maxReplicas: 4, metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: 100}}}]}\npodDisruptionBudget: {minAvailable: \"100%\"}\ncandidate: {version: v2, tag: \"2\"}"), "strategy", "strategy: {blueGreen: {}}"), want: []string{
			`spec.yaml:5:23: podDisruptionBudget.minAvailable: "100%" (2 of 2, rounded up) keeps all 2 pods of Deployment web-v1 (at autoscaler.minReplicas) available, so none can ever be evicted and node drains block (allowed: fewer than 2, or maxUnavailable)`,
			`spec.yaml:5:23: podDisruptionBudget.minAvailable: "100%" (2 of 2, rounded up) keeps all 2 pods of Deployment web-v2 (at autoscaler.minReplicas) available, so none can ever be evicted and node drains block (allowed: fewer than 2, or maxUnavailable)`}},
		// The pod and container sections, in Kubernetes' shape.
		{name: "pod section valid", spec: valid + "container: {args: [-v], env: [{name: PW, valueFrom: {secretKeyRef: {name: db, key: pw}}}], volumeMounts: [{name: c, mountPath: /c}]}\npod: {serviceAccountName: web, volumes: [{name: c, emptyDir: {}}], containers: [{name: side, image: example/side}]}\n"},
		{name: "container field misspelt", spec: valid + "container: {comand: [x]}\n", want: []string{
			`spec.yaml:9:13: container.comand: unknown field (did you mean "command"?) (allowed: command, args, workingDir, envFrom, env, resources, resizePolicy, restartPolicy, restartPolicyRules, volumeMounts, volumeDevices, livenessProbe, readinessProbe, startupProbe, lifecycle, terminationMessagePath, terminationMessagePolicy, securityContext, stdin, stdinOnce, tty)`}},
		{name: "pod field of the wrong type, deep in a list", spec: valid + "pod:\n  volumes:\n    - name: c\n      configMap: {name: x, defaultMode: \"0644\"}\n", want: []string{
			`spec.yaml:12:28: pod.volumes[0].configMap.defaultMode: invalid value "0644" (allowed: an integer)`}},
		{name: "a quantity Kubernetes refuses", spec: valid + "pod: {initContainers: [{name: i, image: x, resources: {limits: {cpu: lots}}}]}\n", want: []string{
			`spec.yaml:9:65: pod.initContainers[0].resources.limits.cpu: invalid value "lots" (allowed: a Kubernetes quantity such as "500m", "128Mi" or 2)`}},
		{name: "fields rollspec owns", spec: valid + "container: {name: web, image: nginx, ports: [{containerPort: 80}], imagePullPolicy: Always, readinessProbe: {exec: {command: [x]}}}\n", want: []string{
			`spec.yaml:9:13: container.name: rollspec names the main container after the release (allowed: leave it out)`,
			`spec.yaml:9:24: container.image: rollspec writes the main container's image (allowed: image, and each version's tag or digest)`,
			`spec.yaml:9:38: container.ports: rollspec writes the main container's ports (allowed: ports, which the Services and routes use too)`,
			`spec.yaml:9:68: container.imagePullPolicy: rollspec writes the main container's pull policy (allowed: imagePullPolicy, beside image)`,
			`spec.yaml:9:93: container.readinessProbe: is also set in short form (allowed: one of readinessProbe and container.readinessProbe)`}},
		{name: "env set twice", spec: valid + "env: {PW: x}\ncontainer: {env: [{name: PW, value: y}]}\n", want: []string{
			`spec.yaml:10:20: container.env[0].name: PW is also set in env (allowed: one of env and container.env)`}},
		{name: "a mount of no volume", spec: valid + "container: {volumeMounts: [{name: data, mountPath: /d}]}\npod: {volumes: [{name: cache, emptyDir: {}}]}\n", want: []string{
			`spec.yaml:9:29: container.volumeMounts[0].name: the main container mounts volume "data", which the pod does not have (allowed: a volume of the pod: "cache")`}},
		{name: "a sidecar named as the main container", spec: valid + "pod: {containers: [{name: web, image: x}]}\n", want: []string{
			`spec.yaml:9:21: pod.containers[0].name: "web" is the main container's name (its fields go in container) (allowed: a name of its own)`}},
		{name: "a restart policy a Deployment refuses", spec: valid + "pod: {restartPolicy: Never}\n", want: []string{
			`spec.yaml:9:7: pod.restartPolicy: invalid value "Never" (allowed: "Always", the only restart policy of a workload's pods)`}},
		{name: "a version's overlay is checked too", spec: withIn(valid, "stable", `stable: {version: "v1", tag: "1.0", pod: {volumes: [{name: c, emptyDir: {sizeLimt: 1Gi}}]}}`), want: []string{
			`spec.yaml:5:74: stable.pod.volumes[0].emptyDir.sizeLimt: unknown field (did you mean "sizeLimit"?) (allowed: medium, sizeLimit, mode)`}},
		{name: "a liveness probe on a port with no name", spec: valid + "livenessProbe: {tcp: {port: admin}}\n", want: []string{
			`spec.yaml:9:23: livenessProbe.tcp.port: no port is named "admin" (allowed: "http")`}},
		{name: "the first port kept off the Services", spec: with("ports", "ports: [{name: http, containerPort: 8080, service: false}, {name: admin, containerPort: 9000}]"), want: []string{
			`spec.yaml:3:43: ports[0].service: the first port is the one the Services expose, Istio routes and probes default to (allowed: service: false on a later port)`}},
		{name: "an overlay that leaves value and valueFrom", spec: withIn(valid+"container: {env: [{name: MODE, valueFrom: {configMapKeyRef: {name: m, key: mode}}}]}\n", "stable", `stable: {version: "v1", tag: "1.0", container: {env: [{name: MODE, value: fast}]}}`), want: []string{
			`spec.yaml:5:55: stable.container.env[0].valueFrom: MODE sets both value and valueFrom (allowed: one of them; a version's overlay replaces an entry only with valueFrom: null beside its value)`}},
		{name: "two mounts at one path", spec: valid + "config: {a: b}\nconfigPath: /etc/app\ncontainer: {volumeMounts: [{name: x, mountPath: /etc/app}]}\npod: {volumes: [{name: x, emptyDir: {}}]}\n", want: []string{
			`spec.yaml:11:38: container.volumeMounts[0].mountPath: the main container mounts two volumes at /etc/app (allowed: one volume per path)`}},
		{name: "values Kubernetes allows", spec: valid + "pod: {dnsPolicy: ClusterFirstt, tolerations: [{operator: Equals, effect: NoSchedul}], topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotScheduled}], initContainers: [{name: init, image: x, restartPolicy: always}]}\n", want: []string{
			`spec.yaml:9:7: pod.dnsPolicy: invalid value "ClusterFirstt" (allowed: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")`,
			`spec.yaml:9:48: pod.tolerations[0].operator: invalid value "Equals" (allowed: "Equal", "Exists")`,
			`spec.yaml:9:66: pod.tolerations[0].effect: invalid value "NoSchedul" (allowed: "NoSchedule", "PreferNoSchedule", "NoExecute")`,
			`spec.yaml:9:147: pod.topologySpreadConstraints[0].whenUnsatisfiable: invalid value "DoNotScheduled" (allowed: "DoNotSchedule", "ScheduleAnyway")`,
			`spec.yaml:9:224: pod.initContainers[0].restartPolicy: invalid value "always" (allowed: "Always")`}},
		{name: "entries Kubernetes requires", spec: valid + "pod: {containers: [{name: Side_Car}, {image: x}], volumes: [{name: v}]}\n", want: []string{
			`spec.yaml:9:20: pod.containers[0]: container "Side_Car" has no image (allowed: an image reference such as envoyproxy/envoy:v1.31.0)`,
			`spec.yaml:9:21: pod.containers[0].name: container name "Side_Car" is not a DNS-1123 label (allowed: lowercase letters, digits and '-', at most 63 characters)`,
			`spec.yaml:9:38: pod.containers[1].name: container name "" is not a DNS-1123 label (allowed: lowercase letters, digits and '-', at most 63 characters)`,
			`spec.yaml:9:61: pod.volumes[0]: volume "v" sets 0 sources (allowed: exactly one, such as emptyDir: {}, configMap, secret or persistentVolumeClaim)`}},
		{name: "a budget that blocks drains beside a pod the level forbids, at once", spec: valid + "podDisruptionBudget: {maxUnavailable: 0}\ncontainer: {securityContext: {privileged: true}}\n", want: []string{
			`spec.yaml:9:23: podDisruptionBudget.maxUnavailable: 0 lets none of the 4 pods of Deployment web be evicted, so node drains block (allowed: 1 or more, or a percentage above 0%)`,
			`spec.yaml:10:31: container.securityContext.privileged: container "web" must not set securityContext.privileged=true: podSecurity "restricted" forbids privileged (allowed: privileged: false or unset; or podSecurity: "privileged", which allows anything)`}},
		{name: "a capability restricted allows, beside the drop it fills in", spec: valid + "container: {securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}\n"},
		{name: "a capability restricted forbids: the fix that keeps the level first", spec: valid + "container: {securityContext: {capabilities: {add: [CHOWN]}}}\n", want: []string{
			`spec.yaml:9:31: container.securityContext.capabilities: container "web" must not include "CHOWN" in securityContext.capabilities.add: podSecurity "restricted" forbids unrestricted capabilities (allowed: capabilities.add of NET_BIND_SERVICE only; or podSecurity: "baseline", which allows it)`}},
		{name: "a capability baseline forbids too", spec: valid + "container: {securityContext: {capabilities: {add: [NET_ADMIN]}}}\n", want: []string{
			`spec.yaml:9:31: container.securityContext.capabilities: container "web" must not include "NET_ADMIN" in securityContext.capabilities.add: podSecurity "restricted" forbids unrestricted capabilities (allowed: capabilities.add of NET_BIND_SERVICE only; or podSecurity: "privileged", which allows anything)`}},
		{name: "a capability baseline forbids, at baseline", spec: valid + "podSecurity: baseline\ncontainer: {securityContext: {capabilities: {add: [NET_ADMIN]}}}\n", want: []string{
			`spec.yaml:10:31: container.securityContext.capabilities: container "web" must not include "NET_ADMIN" in securityContext.capabilities.add: podSecurity "baseline" forbids non-default capabilities (allowed: capabilities.add of Kubernetes' default capabilities only, such as NET_BIND_SERVICE, CHOWN or SETUID; or podSecurity: "privileged", which allows anything)`}},
		{name: "env references in a cycle, at each entry on it", spec: valid + "env: {A: \"$(B)\", B: \"x$(C)\"}\ncontainer: {env: [{name: C, value: \"$(A)\"}, {name: D, value: \"$(A)\"}]}\n", want: []string{
			`spec.yaml:9:7: env.A: $(B) is on a reference cycle A → B → C → A: Kubernetes expands $(VAR) only from the variables defined before it in the list, so no order expands them all (allowed: references without a cycle, or $$(VAR) for a literal $(VAR))`,
			`spec.yaml:9:18: env.B: $(C) is on a reference cycle B → C → A → B: Kubernetes expands $(VAR) only from the variables defined before it in the list, so no order expands them all (allowed: references without a cycle, or $$(VAR) for a literal $(VAR))`,
			`spec.yaml:10:29: container.env[0].value: $(A) is on a reference cycle C → A → B → C: Kubernetes expands $(VAR) only from the variables defined before it in the list, so no order expands them all (allowed: references without a cycle, or $$(VAR) for a literal $(VAR))`}},
		{name: "an env entry referencing its own name", spec: withIn(valid+"env: {PATH: \"$(PATH):/opt/bin\"}\n", "stable", `stable: {version: "v1", tag: "1.0", env: {HOME: "$(HOME)"}}`), want: []string{
			`spec.yaml:5:43: stable.env.HOME: $(HOME) references the entry's own name, and no envFrom defines it before: Kubernetes expands $(VAR) only from the variables defined before it in the list, so it stays literal (allowed: a value without $(HOME), or $$(HOME) for a literal $(HOME))`,
			`spec.yaml:9:7: env.PATH: $(PATH) references the entry's own name, and no envFrom defines it before: Kubernetes expands $(VAR) only from the variables defined before it in the list, so it stays literal (allowed: a value without $(PATH), or $$(PATH) for a literal $(PATH))`}},
		{name: "its own name, which config defines before it", spec: valid + "env: {MODE: \"$(MODE)-fast\"}\nconfig: {MODE: slow}\n"},
		{name: "env referencing a name defined twice", spec: valid + "env: {URL: \"http://$(HOST)\"}\ncontainer: {env: [{name: HOST, value: a}, {name: HOST, value: b}]}\n", want: []string{
			`spec.yaml:9:7: env.URL: $(HOST) references HOST, which the container's environment defines 2 times: its value depends on their order (allowed: HOST defined once, in env or container.env)`}},
		{name: "escaped and ordered references compile", spec: valid + "env: {URL: \"http://$(HOST)/$$(LITERAL)\"}\ncontainer: {env: [{name: HOST, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}]}\n"},
		{name: "hostPort on a Deployment, at restricted", spec: with("ports", "ports: [{name: http, containerPort: 8080, hostPort: 8080}]"), want: []string{
			`spec.yaml:3:43: ports[0].hostPort: hostPort holds the port on the pod's node, so the Deployment runs at most one pod per node: pods beyond that stay Pending, and a rolling update's new pods only start on nodes without an old one (allowed: leave it out and reach the pods through the Service; or workload: DaemonSet, one pod on each node)`,
			`spec.yaml:3:43: ports[0].hostPort: podSecurity "restricted" forbids host ports (Pod Security's hostPorts check, at baseline and restricted) (allowed: leave it out; or podSecurity: "privileged", the one level that allows it)`}},
		{name: "hostPort on a StatefulSet", spec: withIn(withIn(with("replicas", "replicas: 2\nworkload: StatefulSet\npodSecurity: privileged"), "strategy", "strategy: {ramped: {}}"), "ports", "ports: [{name: http, containerPort: 8080, hostPort: 80}]"), want: []string{
			`spec.yaml:3:43: ports[0].hostPort: hostPort holds the port on the pod's node, so the StatefulSet runs at most one pod per node: pods beyond that stay Pending, and its ordered rollout waits on them (allowed: leave it out and reach the pods through the Service; or workload: DaemonSet, one pod on each node)`}},
		{name: "hostPort on a DaemonSet: privileged, each node's port once, equal to containerPort on the node's network", spec: withIn(withIn(with("replicas", "workload: DaemonSet\npodSecurity: privileged\npod: {hostNetwork: true}"), "strategy", "strategy: {ramped: {}}"), "ports", "ports: [{name: http, containerPort: 8080, hostPort: 80}, {name: dns, containerPort: 53, hostPort: 80}]"), want: []string{
			`spec.yaml:3:43: ports[0].hostPort: hostPort 80 differs from containerPort 8080, but the pods use the node's network (pod.hostNetwork), where Kubernetes requires them equal (allowed: hostPort 8080, or leave it out: with hostNetwork the containerPort is the node's)`,
			`spec.yaml:3:89: ports[1].hostPort: hostPort 80 differs from containerPort 53, but the pods use the node's network (pod.hostNetwork), where Kubernetes requires them equal (allowed: hostPort 53, or leave it out: with hostNetwork the containerPort is the node's)`,
			`spec.yaml:3:89: ports[1].hostPort: hostPort 80/TCP is also ports[0]'s: a node's port goes to one (allowed: a hostPort of its own)`}},
		{name: "hostPort on a DaemonSet, at baseline", spec: withIn(withIn(with("replicas", "workload: DaemonSet\npodSecurity: baseline"), "strategy", "strategy: {ramped: {}}"), "ports", "ports: [{name: http, containerPort: 8080, hostPort: 80}]"), want: []string{
			`spec.yaml:3:43: ports[0].hostPort: podSecurity "baseline" forbids host ports (Pod Security's hostPorts check, at baseline and restricted) (allowed: leave it out; or podSecurity: "privileged", the one level that allows it)`}},
		{name: "hostPort on a DaemonSet that surges", spec: withIn(withIn(with("replicas", "workload: DaemonSet\npodSecurity: privileged"), "strategy", "strategy: {ramped: {maxSurge: 1}}"), "ports", "ports: [{name: http, containerPort: 8080, hostPort: 80}]"), want: []string{
			`spec.yaml:8:21: strategy.ramped.maxSurge: the pods hold the node's port 80 (hostPort), so a node's new pod cannot start beside its old one and the rollout would stall (allowed: maxUnavailable above 0 with maxSurge 0)`}},
		{name: "hostPort on a DaemonSet, privileged", spec: withIn(withIn(with("replicas", "workload: DaemonSet\npodSecurity: privileged"), "strategy", "strategy: {ramped: {}}"), "ports", "ports: [{name: http, containerPort: 8080, hostPort: 80}, {name: dns, containerPort: 53, hostPort: 53, protocol: UDP, service: false}]")},
		{name: "the drop written without ALL", spec: valid + "container: {securityContext: {capabilities: {drop: [NET_RAW]}}}\n", want: []string{
			`spec.yaml:9:31: container.securityContext.capabilities: container "web" must set securityContext.capabilities.drop=["ALL"]: podSecurity "restricted" forbids unrestricted capabilities (allowed: "ALL" in capabilities.drop, or drop unset (rollspec fills in [ALL]); or podSecurity: "baseline", which allows it)`}},
		{name: "an annotation YAML reads as a boolean", spec: valid + "podAnnotations: {prometheus.io/scrape: true}\n", want: []string{
			`spec.yaml:9:18: podAnnotations."prometheus.io/scrape": true is a boolean, not a string (allowed: a string: quote it as "true")`}},
		{name: "the release's pod checked beside a version the schema refuses", spec: withIn(valid+"pod: {tolerations: [{key: gpu, operator: Exist}]}\n", "stable", "stable: {version: v1, tag: 1.10}"), want: []string{
			`spec.yaml:5:23: stable.tag: 1.10 is a number, not a string (allowed: a string: quote it as "1.10"; unquoted, YAML drops leading and trailing zeros)`,
			`spec.yaml:9:32: pod.tolerations[0].operator: invalid value "Exist" (allowed: "Equal", "Exists")`}},
		{name: "yaml flow mapping on stdin", file: "<stdin>", spec: "{name: x, image: example/x, ports: [{name: http, containerPort: 80}], stable: {version: v1, tag: \"1\"}, strategy: {recreate: {}}}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := cmp.Or(tc.file, "spec.yaml")
			specs, err := (&load.Loader{}).LoadBytes(file, []byte(tc.spec)).Releases(nil)
			if err == nil {
				// What needs the compiled objects (a budget against each
				// Deployment's pods, Pod Security) is checked there.
				_, err = compile.Specs(specs)
			}
			var b bytes.Buffer
			diag.Print(&b, err, "")
			got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			if b.Len() == 0 {
				got = nil
			}
			if tc.want == nil && got == nil {
				return
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("spec:\n%s\ngot:\n%s\nwant:\n%s", tc.spec, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
