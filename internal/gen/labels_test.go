package gen

import (
	"maps"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/rollspec/rollspec/release"
)

// TestReservedLabels keeps the label keys load refuses in a release's
// labels the ones gen sets itself: a pod's labels, less the user's, are
// exactly release.ReservedLabels.
func TestReservedLabels(t *testing.T) {
	r := &release.Release{
		Name:                    "web",
		Namespace:               "default",
		Labels:                  map[string]string{"team": "a"},
		Image:                   "example/web",
		Ports:                   []release.Port{{Name: "http", ContainerPort: 8080, ServicePort: 8080, Protocol: "TCP"}},
		Replicas:                1,
		ProgressDeadlineSeconds: 600,
		PodSecurity:             "restricted",
		Stable:                  release.Version{Version: "v1", Tag: "1"},
		Service:                 release.Service{Type: "ClusterIP"},
		Traffic:                 release.TrafficNative,
		Strategy:                release.Strategy{Recreate: &release.Recreate{}},
	}
	res, err := Compile(r)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(release.ReservedLabels()))
	n := 0
	for _, o := range res.Objects {
		d, ok := o.(*appsv1.Deployment)
		if !ok {
			continue
		}
		n++
		labels := maps.Clone(d.Spec.Template.Labels)
		delete(labels, "team")
		if got := slices.Sorted(maps.Keys(labels)); !slices.Equal(got, want) {
			t.Errorf("Deployment %s's pods: rollspec sets %v, reserves %v", d.Name, got, want)
		}
	}
	if n != 1 {
		t.Fatalf("compiled %d Deployments, want 1", n)
	}
}
