package load

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	cuejson "cuelang.org/go/encoding/json"
	cueyaml "cuelang.org/go/encoding/yaml"

	"github.com/rollspec/rollspec/internal/cuedecode"
	"github.com/rollspec/rollspec/release"
	"github.com/rollspec/rollspec/schema"
)

// everyField sets every field of the schema at least once, so that
// decode is compared with Value.Decode on all of them.
var everyField = []string{`
name: full
namespace: team
labels: {team: shop, tier: "1"}
annotations: {"example.com/owner": "ops"}
image: registry.example.com:5000/team/app
ports:
  - {name: http, containerPort: 8080, servicePort: 80, nodePort: 30080}
  - {name: grpc-api, containerPort: 9090, protocol: TCP}
replicas: 4
env: {LOG: debug, "a.b": "1"}
resources: {requests: {cpu: 250m, memory: 64Mi}, limits: {cpu: 1, memory: 128Mi}}
readinessProbe: {http: {path: /ready, port: http}, periodSeconds: 5, failureThreshold: 2}
minReadySeconds: 3
progressDeadlineSeconds: 120
revisionHistoryLimit: 4
config: {MODE: fast}
configPath: /etc/app
changeCause: "bump"
podSecurity: baseline
runAsUser: 1000
imagePullPolicy: Always
stable: {version: v1, tag: "1.0", digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", config: {X: "1"}, env: {Y: "2"}, replicas: 2}
candidate: {version: v2, tag: "2.0", image: other/app, replicas: 1}
service: {type: NodePort}
host: app.example.com
gatewaySelector: {istio: gw}
traffic: istio
strategy: {abTest: {match: [{headers: {x-v: {exact: "2"}, x-p: {prefix: a}}, cookie: {name: beta, value: "on"}, queryParams: {q: {regex: "^b"}}}]}}
`, `
name: probes
ports: [{name: http, containerPort: 8080}]
readinessProbe: {tcp: {port: 8080}}
image: x/y
stable: {version: v1, tag: "1"}
strategy: {ramped: {maxSurge: "50%", maxUnavailable: 0}}
`, `
name: execs
ports: [{name: http, containerPort: 8080}]
readinessProbe: {exec: {command: [cat, /tmp/ready]}}
image: x/y
stable: {version: v1, tag: "1"}
traffic: istio
candidate: {version: v2, tag: "2"}
strategy: {shadow: {percent: 12.5}}
`, `
name: bg
ports: [{name: http, containerPort: 8080}]
image: x/y
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {blueGreen: {active: candidate, preview: true}}
`, `
name: rc
ports: [{name: http, containerPort: 8080}]
image: x/y
stable: {version: v1, tag: "1"}
strategy: {recreate: {}}
podDisruptionBudget: {maxUnavailable: 1}
`, `
name: cn
ports: [{name: http, containerPort: 8080}]
image: x/y
replicas: 4
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {canary: {steps: [10, 50, 100], step: 2}}
`, `
name: scaled
ports: [{name: http, containerPort: 8080}]
image: x/y
resources: {requests: {cpu: 100m, memory: 64Mi}}
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
traffic: istio
strategy: {canary: {steps: [10, 100]}}
autoscaler:
  minReplicas: 2
  maxReplicas: 8
  targetCPUUtilizationPercentage: 70
  targetMemoryUtilizationPercentage: 80
  metrics:
    - {type: Pods, pods: {metric: {name: rps, selector: {matchLabels: {a: b}}}, target: {type: AverageValue, averageValue: 100m}}}
    - {type: External, external: {metric: {name: queue}, target: {type: Value, value: 30}}}
  behavior: {scaleDown: {stabilizationWindowSeconds: 300, selectPolicy: Min, policies: [{type: Percent, value: 10, periodSeconds: 60}]}}
podDisruptionBudget: {minAvailable: "50%", unhealthyPodEvictionPolicy: AlwaysAllow}
`}

// specSources returns extra, everyField's specs and every example's
// release.yaml, by file name.
func specSources(t *testing.T, extra map[string][]byte) map[string][]byte {
	t.Helper()
	srcs := map[string][]byte{}
	for name, src := range extra {
		srcs[name] = src
	}
	for i, e := range everyField {
		srcs[filepath.Join("inline", string(rune('a'+i))+".yaml")] = []byte(e)
	}
	files, _ := filepath.Glob("../../examples/*/release.yaml")
	if len(files) < 5 {
		t.Fatalf("found %d example specs, want the examples", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs[f] = b
	}
	return srcs
}

// TestDecodeMatchesCUE: decode gives the same release as cue.Value.Decode
// for every example spec and for specs setting every field.
func TestDecodeMatchesCUE(t *testing.T) {
	s, err := schema.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range specSources(t, nil) {
		t.Run(name, func(t *testing.T) {
			f, err := cueyaml.Extract(name, src)
			if err != nil {
				t.Fatal(err)
			}
			u := s.Context.BuildFile(f).Unify(s.Release)
			if err := u.Validate(cue.Concrete(true), cue.Final()); err != nil {
				t.Fatalf("spec is invalid: %v", err)
			}
			var got, skipping, want release.Release
			if err := cuedecode.Value(u, &got); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if err := DecodeSkipping(s, s.Context.BuildFile(f), &skipping); err != nil {
				t.Fatalf("decode skipping: %v", err)
			}
			if err := u.Decode(&want); err != nil {
				t.Fatalf("Value.Decode: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("decode differs from Value.Decode:\ngot  %+v\nwant %+v", got, want)
			}
			if !reflect.DeepEqual(skipping, want) {
				t.Errorf("decode skipping the optional fields written nowhere differs from Value.Decode:\ngot  %+v\nwant %+v", skipping, want)
			}
		})
	}
}

// TestSyntaxPositions: positions read from the syntax of YAML and JSON
// releases are the ones a walk of the value finds, for every example,
// every field, YAML streams and JSON lists.
func TestSyntaxPositions(t *testing.T) {
	s, err := schema.Compile()
	if err != nil {
		t.Fatal(err)
	}
	srcs := specSources(t, map[string][]byte{
		"stream.yaml": []byte(everyField[1] + "---\n" + everyField[2]),
		"list.yaml":   []byte("- {name: a, ports: [{name: http, containerPort: 1}]}\n- {name: b, labels: {\"x.io/y\": z}}\n"),
		"one.json":    []byte(`{"name": "a", "ports": [{"name": "http", "containerPort": 8080}], "labels": {"a.b/c": "d"}}`),
		"list.json":   []byte(`[{"name": "a", "image": "x", "replicas": 2}, {"name": "b", "strategy": {"canary": {"steps": [10, 100]}}}]`),
	})
	for name, src := range srcs {
		t.Run(name, func(t *testing.T) {
			var v cue.Value
			if filepath.Ext(name) == ".json" {
				e, err := cuejson.Extract(name, src)
				if err != nil {
					t.Fatal(err)
				}
				v = s.Context.BuildExpr(e)
			} else {
				f, err := cueyaml.Extract(name, src)
				if err != nil {
					t.Fatal(err)
				}
				v = s.Context.BuildFile(f)
			}
			releases := []cue.Value{v}
			if v.Kind() == cue.ListKind {
				releases = nil
				it, _ := v.List()
				for it.Next() {
					releases = append(releases, it.Value())
				}
			}
			for i, r := range releases {
				switch r.Source().(type) {
				case *ast.File, *ast.StructLit:
				default:
					t.Fatalf("release %d: source %T, want syntax to read positions from", i, r.Source())
				}
				got, want := positionsOf(r, nil), walkPositions(r)
				if len(want) < 3 {
					t.Fatalf("release %d: walk found %d positions, want a spec's fields", i, len(want))
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("release %d: syntax positions differ from the value's:\ngot  %v\nwant %v", i, got, want)
				}
				for k := range want {
					if g, w := got.fieldsBelow(k), want.fieldsBelow(k); g != w {
						t.Errorf("release %d: %s: fields below in the syntax %t, in the value %t", i, k, g, w)
					}
				}
				if _, ok := got.find("noSuchField"); ok {
					t.Errorf("release %d: a field not written was found", i)
				}
			}
		})
	}
}
