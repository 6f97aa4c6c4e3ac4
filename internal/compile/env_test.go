package compile_test

import (
	"strings"
	"testing"
)

// TestEnvReferenceOrder: in the main container's environment, every
// entry a $(VAR) references comes before the entry that references it
// (Kubernetes expands only from earlier entries), across the short-form
// env, container.env and each version's overlays; without references the
// order is the short-form env by name, then container.env.
func TestEnvReferenceOrder(t *testing.T) {
	const base = "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}]\nreplicas: 2\nstrategy: {blueGreen: {}}\n"
	for _, tc := range []struct {
		name, spec        string
		stable, candidate string // the main container's env names, in order
	}{
		{name: "no references",
			spec:   "env: {B: \"1\", A: \"2\"}\ncontainer: {env: [{name: Z, value: \"3\"}, {name: C, value: \"4\"}]}\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\"}\n",
			stable: "A,B,Z,C", candidate: "A,B,Z,C"},
		{name: "the short form referencing container.env",
			spec:   "env: {DATABASE_URL: \"postgres://u:$(DB_PASSWORD)@$(DB_HOST)/x\", DB_HOST: db}\ncontainer: {env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: pw}}}]}\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\"}\n",
			stable: "DB_HOST,DB_PASSWORD,DATABASE_URL", candidate: "DB_HOST,DB_PASSWORD,DATABASE_URL"},
		{name: "a version's env overlay references",
			spec:   "env: {A_HOST: a, Z: z}\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", env: {A_URL: \"http://$(Z)\"}}\n",
			stable: "A_HOST,Z", candidate: "A_HOST,Z,A_URL"},
		{name: "a version's container overlay references",
			spec:   "env: {HOST: h}\ncontainer: {env: [{name: URL, value: \"http://$(PORT_NAME)\"}, {name: PORT_NAME, value: \"p\"}]}\nstable: {version: v1, tag: \"1\"}\ncandidate: {version: v2, tag: \"2\", container: {env: [{name: URL, value: \"http://$(HOST)/$(EXTRA)\"}, {name: EXTRA, value: e}]}}\n",
			stable: "HOST,PORT_NAME,URL", candidate: "HOST,EXTRA,URL,PORT_NAME"}, // the overlay's URL references HOST and EXTRA only
	} {
		t.Run(tc.name, func(t *testing.T) {
			deps := deployments(t, compileYAML(t, base+tc.spec))
			for name, want := range map[string]string{"web-v1": tc.stable, "web-v2": tc.candidate} {
				d := deps[name]
				if d == nil {
					t.Fatalf("no Deployment %s", name)
				}
				var got []string
				for _, e := range d.Spec.Template.Spec.Containers[0].Env {
					got = append(got, e.Name)
				}
				if strings.Join(got, ",") != want {
					t.Errorf("%s: env %s, want %s", name, strings.Join(got, ","), want)
				}
			}
		})
	}
}
