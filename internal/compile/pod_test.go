package compile_test

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestPodFieldsKeepIdentity: whatever the pod and container sections
// hold, what rollspec owns stays as it is without them: each Deployment's
// name, selector and pod labels, the Services and the routes. Only pod
// templates may differ.
func TestPodFieldsKeepIdentity(t *testing.T) {
	const base = `
name: web
image: example/web
ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090, service: false}]
replicas: 4
`
	const pod = `podAnnotations: {prometheus.io/scrape: "true"}
container:
  args: [--serve]
  env: [{name: PW, valueFrom: {secretKeyRef: {name: db, key: pw}}}]
  volumeMounts: [{name: cache, mountPath: /cache}]
  securityContext: {readOnlyRootFilesystem: true}
  lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}
pod:
  serviceAccountName: web
  nodeSelector: {kubernetes.io/os: linux}
  tolerations: [{key: dedicated, operator: Equal, value: web, effect: NoSchedule}]
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}
  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]
  volumes: [{name: cache, emptyDir: {}}]
  initContainers: [{name: proxy, image: example/proxy, restartPolicy: Always}]
  containers: [{name: side, image: example/side}]
  imagePullSecrets: [{name: registry}]
  priorityClassName: high
`
	for _, tc := range []struct{ name, rest string }{
		{"recreate", `stable: {version: v1, tag: "1"}
strategy: {recreate: {}}`},
		{"ramped", `stable: {version: v1, tag: "1"}
strategy: {ramped: {}}`},
		{"blue-green", `stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2", container: {args: [--serve, --v2]}}
strategy: {blueGreen: {active: candidate, preview: true}}`},
		{"native canary", `stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2", pod: {containers: [{name: side, image: example/side:2}]}}
strategy: {canary: {steps: [25, 100]}}`},
		{"istio canary", `traffic: istio
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {canary: {steps: [10, 100]}}`},
		{"ab test", `traffic: istio
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {abTest: {match: [{headers: {x-beta: {exact: "1"}}}]}}`},
		{"shadow", `traffic: istio
stable: {version: v1, tag: "1"}
candidate: {version: v2, tag: "2"}
strategy: {shadow: {}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := split(t, compileYAML(t, base+tc.rest+"\n").Result.Objects)
			full := split(t, compileYAML(t, base+pod+tc.rest+"\n").Result.Objects)
			if len(plain.deployments) != len(full.deployments) {
				t.Fatalf("%d Deployments with the pod fields, %d without", len(full.deployments), len(plain.deployments))
			}
			for i, d := range full.deployments {
				p := plain.deployments[i]
				if d.Name != p.Name || !reflect.DeepEqual(d.Spec.Selector, p.Spec.Selector) || !reflect.DeepEqual(d.Spec.Template.Labels, p.Spec.Template.Labels) || !reflect.DeepEqual(d.Labels, p.Labels) {
					t.Errorf("Deployment %s: the pod fields changed its name, selector or labels", d.Name)
				}
				if reflect.DeepEqual(d.Spec.Template.Spec, p.Spec.Template.Spec) {
					t.Errorf("Deployment %s: the pod fields are not in its pods", d.Name)
				}
				if n := len(d.Spec.Template.Spec.Containers); n != 2 || d.Spec.Template.Spec.Containers[1].Name != "side" {
					t.Errorf("Deployment %s runs %d containers, want web and side", d.Name, n)
				}
				if !hasPort(d.Spec.Template.Spec.Containers[0], "metrics") {
					t.Errorf("Deployment %s: the container does not declare its metrics port", d.Name)
				}
			}
			if !reflect.DeepEqual(full.services, plain.services) {
				t.Errorf("the pod fields changed the Services")
			}
			for _, s := range full.services {
				for _, p := range s.Spec.Ports {
					if p.Name == "metrics" {
						t.Errorf("Service %s exposes the metrics port, which the spec keeps off the Services", s.Name)
					}
				}
			}
			if !reflect.DeepEqual(full.virtuals, plain.virtuals) || !reflect.DeepEqual(full.rules, plain.rules) {
				t.Errorf("the pod fields changed the routes")
			}
		})
	}
}

func hasPort(c corev1.Container, name string) bool {
	for _, p := range c.Ports {
		if p.Name == name {
			return true
		}
	}
	return false
}

// TestVersionOverridesShortForms: a version's container overlay may set
// what the release writes in short form (resources, a probe): that
// version runs the overlay's, the other the release's.
func TestVersionOverridesShortForms(t *testing.T) {
	rel := compileYAML(t, `
name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 2
traffic: istio
resources: {requests: {cpu: 100m}}
readinessProbe: {http: {path: /ready}}
stable: {version: v1, tag: "1"}
candidate:
  version: v2
  tag: "2"
  container:
    resources: {requests: {cpu: 500m}}
    readinessProbe: {httpGet: {path: /v2/ready, port: http}}
strategy: {canary: {steps: [10, 100]}}
`)
	ds := deployments(t, rel)
	stable, cand := ds["web-v1"].Spec.Template.Spec.Containers[0], ds["web-v2"].Spec.Template.Spec.Containers[0]
	if got := stable.Resources.Requests.Cpu().String(); got != "100m" {
		t.Errorf("stable requests cpu %s, want the release's 100m", got)
	}
	if got := cand.Resources.Requests.Cpu().String(); got != "500m" {
		t.Errorf("candidate requests cpu %s, want its overlay's 500m", got)
	}
	if got := stable.ReadinessProbe.HTTPGet.Path; got != "/ready" {
		t.Errorf("stable probes %s, want the release's /ready", got)
	}
	if got := cand.ReadinessProbe.HTTPGet.Path; got != "/v2/ready" {
		t.Errorf("candidate probes %s, want its overlay's /v2/ready", got)
	}
}
