package manifest_test

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/manifest"
)

// BenchmarkRender renders the objects of every example: the encoder's
// share of a build.
func BenchmarkRender(b *testing.B) {
	var releases [][]gen.Object
	for _, rs := range compileExamples(b) {
		for _, r := range rs {
			releases = append(releases, r.Result.Objects)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, objs := range releases {
			if _, err := manifest.Render(objs); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRenderConfigFile renders a ConfigMap holding a 60-line file,
// written as a literal block scalar.
func BenchmarkRenderConfigFile(b *testing.B) {
	var file strings.Builder
	for i := range 60 {
		fmt.Fprintf(&file, "    location /app-%d { proxy_pass http://backend-%d:8080; }\n", i, i)
	}
	cm := []*corev1.ConfigMap{{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: "web-config", Namespace: "default"},
		Data:       map[string]string{"nginx.conf": file.String(), "MODE": "fast"},
	}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := manifest.Render(cm); err != nil {
			b.Fatal(err)
		}
	}
}
