package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rollspec/rollspec/internal/compile"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// localStorage provides what claims PersistentVolumeClaims of size (a
// quantity such as "1Gi") in namespace ns bind to, as a platform team
// would where no provisioner runs: a StorageClass of ns's own
// (provisioner kubernetes.io/no-provisioner, volumeBindingMode Immediate)
// and claims hostPath PersistentVolumes of that class and size, to which
// kube-controller-manager's persistentvolume-binder binds the claims
// (kwok never mounts them). It returns the class's name, e2e-<ns>, for
// storageClassName; the volumes are e2e-<ns>-<i>. Both kinds are
// cluster-scoped, so they are named after ns, which keeps parallel tests
// from binding each other's volumes, and deleted when t ends without
// waiting (a volume still bound goes once its claim has gone with the
// namespace).
func localStorage(t *testing.T, ns string, claims int, size string) string {
	t.Helper()
	class := "e2e-" + ns
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: %s
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
`, class)
	names := []string{"storageclass/" + class}
	for i := range claims {
		pv := fmt.Sprintf("%s-%d", class, i)
		fmt.Fprintf(&b, `---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: %s
spec:
  capacity:
    storage: %s
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: %s
  hostPath:
    path: /tmp/rollspec-e2e/%s
`, pv, size, class, pv)
		names = append(names, "persistentvolume/"+pv)
	}
	apply(t, []byte(b.String()))
	t.Cleanup(func() {
		if t.Failed() && *keep {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _, _ = kube.Kubectl(ctx, nil, append([]string{"delete", "--wait=false", "--ignore-not-found"}, names...)...)
	})
	return class
}

// claim is the part of a PersistentVolumeClaim the tests read.
type claim struct {
	Name, UID string
	Phase     corev1.PersistentVolumeClaimPhase
	Volume    string // spec.volumeName, once bound
	Class     string // spec.storageClassName
}

// claims returns the PersistentVolumeClaims in ns by name.
func claims(t *testing.T, ns string) map[string]claim {
	t.Helper()
	var list corev1.PersistentVolumeClaimList
	getJSON(t, &list, "persistentvolumeclaims", "-n", ns)
	cs := map[string]claim{}
	for _, c := range list.Items {
		cl := claim{Name: c.Name, UID: string(c.UID), Phase: c.Status.Phase, Volume: c.Spec.VolumeName}
		if c.Spec.StorageClassName != nil {
			cl.Class = *c.Spec.StorageClassName
		}
		cs[c.Name] = cl
	}
	return cs
}

// waitClaimsBound waits until exactly the claims named exist in ns, each
// Bound to a volume of class, and returns them by name.
func waitClaimsBound(t *testing.T, ns, class string, names ...string) map[string]claim {
	t.Helper()
	var cs map[string]claim
	eventually(t, timeoutRollout, func() string {
		cs = claims(t, ns)
		var have []string
		bad := false
		for _, c := range cs {
			have = append(have, fmt.Sprintf("%s:%s:%s:%s", c.Name, c.Phase, c.Class, c.Volume))
			bad = bad || c.Phase != corev1.ClaimBound || c.Class != class || c.Volume == ""
		}
		for _, n := range names {
			_, ok := cs[n]
			bad = bad || !ok
		}
		if !bad && len(cs) == len(names) {
			return ""
		}
		slices.Sort(have)
		return fmt.Sprintf("claims in %s: want %v Bound to volumes of class %s, have %v", ns, names, class, have)
	})
	return cs
}

// exampleStorage provides, for each StatefulSet of r, volumes for the
// claims its claim templates make and a StorageClass of r's namespace
// marked the cluster's default, which claims that name no class get: an
// example is applied as compiled, and its claims name none.
func exampleStorage(t *testing.T, r *compile.Release) {
	t.Helper()
	for _, s := range objectsOf[*appsv1.StatefulSet](r) {
		n := int(*s.Spec.Replicas) * len(s.Spec.VolumeClaimTemplates)
		if n == 0 {
			continue
		}
		size := "1Gi"
		for _, c := range s.Spec.VolumeClaimTemplates {
			if q, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]; ok && q.Cmp(resource.MustParse(size)) > 0 {
				size = q.String()
			}
		}
		class := localStorage(t, s.Namespace, n, size)
		kubectl(t, nil, "annotate", "storageclass", class, "storageclass.kubernetes.io/is-default-class=true")
	}
}
