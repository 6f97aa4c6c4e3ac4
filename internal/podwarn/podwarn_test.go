package podwarn

import (
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// main is a pod's one container, which each case changes.
func main() corev1.Container {
	return corev1.Container{Name: "web", Image: "nginx", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}}
}

func TestTemplate(t *testing.T) {
	tests := []struct {
		rule  string
		meta  metav1.ObjectMeta
		spec  func(s *corev1.PodSpec)
		at    string
		texts []string // the API server's words, below spec.template
	}{
		{rule: "deprecated node label in nodeSelector", spec: func(s *corev1.PodSpec) {
			s.NodeSelector = map[string]string{"beta.kubernetes.io/os": "linux", "kubernetes.io/os": "linux"}
		}, at: "spec.nodeSelector[beta.kubernetes.io/os]",
			texts: []string{`spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead`}},
		{rule: "node affinity term", spec: func(s *corev1.PodSpec) {
			s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{Weight: 1,
				Preference: corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "failure-domain.beta.kubernetes.io/zone", Operator: "In", Values: []string{"a b"}}}}}}}}
		}, at: "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].key",
			texts: []string{
				`spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].key: failure-domain.beta.kubernetes.io/zone is deprecated since v1.17; use "topology.kubernetes.io/zone" instead`,
				`spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0]: a b is invalid, a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
			}},
		{rule: "topology spread constraint", spec: func(s *corev1.PodSpec) {
			s.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "beta.kubernetes.io/instance-type", WhenUnsatisfiable: "DoNotSchedule"}}
		}, at: "spec.topologySpreadConstraints[0].topologyKey", texts: []string{
			`spec.template.spec.topologySpreadConstraints[0].topologyKey: beta.kubernetes.io/instance-type is deprecated since v1.17; use "node.kubernetes.io/instance-type" instead`,
			`spec.template.spec.topologySpreadConstraints[0].labelSelector: a null labelSelector results in matching no pod`,
		}},
		{rule: "deprecated annotation", meta: metav1.ObjectMeta{Annotations: map[string]string{"scheduler.alpha.kubernetes.io/critical-pod": ""}},
			at:    "metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]",
			texts: []string{`spec.template.metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]: non-functional in v1.16+; use the "priorityClassName" field instead`}},
		{rule: "deprecated volume plugin", spec: func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "fs", VolumeSource: corev1.VolumeSource{CephFS: &corev1.CephFSVolumeSource{Monitors: []string{"m"}}}}}
		}, at: "spec.volumes[0].cephfs", texts: []string{`spec.template.spec.volumes[0].cephfs: deprecated in v1.28, non-functional in v1.31+`}},
		{rule: "fractional ephemeral volume storage", spec: func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{
				Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{"ReadWriteOnce"}, Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1.5")}}}}}}}}
		}, at: "spec.volumes[0].ephemeral.volumeClaimTemplate.spec.resources.requests[storage]",
			texts: []string{`spec.template.spec.volumes[0].ephemeral.volumeClaimTemplate.spec.resources.requests[storage]: fractional byte value "1500m" is invalid, must be an integer`}},
		{rule: "overlapping volume paths", spec: func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, Items: []corev1.KeyToPath{{Key: "a", Path: "x"}, {Key: "b", Path: "x/y"}}}}}}
		}, at: "spec.volumes[0]", texts: []string{`volume "cfg" (ConfigMap "c"): overlapping paths: "x/y" with "x"`}},
		{rule: "duplicate hostAliases ip", spec: func(s *corev1.PodSpec) {
			s.HostAliases = []corev1.HostAlias{{IP: "10.0.0.1", Hostnames: []string{"a"}}, {IP: "10.0.0.1", Hostnames: []string{"b"}}}
		}, at: "spec.hostAliases[1].ip", texts: []string{`spec.template.spec.hostAliases[1].ip: duplicate ip "10.0.0.1"`}},
		{rule: "imagePullSecrets", spec: func(s *corev1.PodSpec) {
			s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "reg"}, {Name: "reg"}}
		}, at: "spec.imagePullSecrets[1].name", texts: []string{`spec.template.spec.imagePullSecrets[1].name: duplicate name "reg"`}},
		{rule: "fractional overhead", spec: func(s *corev1.PodSpec) {
			s.Overhead = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("100m")}
		}, at: "spec.overhead[memory]", texts: []string{`spec.template.spec.overhead[memory]: fractional byte value "100m" is invalid, must be an integer`}},
		{rule: "seccomp pod annotation", meta: metav1.ObjectMeta{Annotations: map[string]string{"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}},
			spec:  func(s *corev1.PodSpec) { s.SecurityContext = nil },
			at:    "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]",
			texts: []string{`spec.template.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: non-functional in v1.27+; use the "seccompProfile" field instead`}},
		{rule: "seccomp container annotation", meta: metav1.ObjectMeta{Annotations: map[string]string{"container.seccomp.security.alpha.kubernetes.io/web": "runtime/default"}},
			at:    "metadata.annotations[container.seccomp.security.alpha.kubernetes.io/web]",
			texts: []string{`spec.template.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/web]: non-functional in v1.27+; use the "seccompProfile" field instead`}},
		{rule: "AppArmor container annotation", meta: metav1.ObjectMeta{Annotations: map[string]string{"container.apparmor.security.beta.kubernetes.io/web": "runtime/default"}},
			at:    "metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]",
			texts: []string{`spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]: deprecated since v1.30; use the "appArmorProfile" field instead`}},
		{rule: "fractional container resources", spec: func(s *corev1.PodSpec) {
			s.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("0.5")}
		}, at: "spec.containers[0].resources.requests[memory]", texts: []string{`spec.template.spec.containers[0].resources.requests[memory]: fractional byte value "500m" is invalid, must be an integer`}},
		{rule: "duplicate env", spec: func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "A", Value: "$(A)-2"}, {Name: "A", Value: "3"}}
		}, at: "spec.containers[0].env[2]", texts: []string{`spec.template.spec.containers[0].env[2]: hides previous definition of "A", which may be dropped when using apply`}},
		{rule: "ports", spec: func(s *corev1.PodSpec) {
			s.Containers = append(s.Containers, corev1.Container{Name: "proxy", Ports: []corev1.ContainerPort{{Name: "admin", ContainerPort: 8080}, {ContainerPort: 9000, HostIP: "127.0.0.1"}}})
		}, at: "spec.containers[1].ports[0]", texts: []string{
			`spec.template.spec.containers[1].ports[0]: duplicate port definition with spec.template.spec.containers[0].ports[0]`,
			`spec.template.spec.containers[1].ports[1]: hostIP set without hostPort: {Name: HostPort:0 ContainerPort:9000 Protocol:TCP HostIP:127.0.0.1}`,
		}},
		{rule: "port names", spec: func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "proxy", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways), Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 15001}}}}
		}, at: "spec.containers[0].ports[0]", texts: []string{
			`spec.template.spec.containers[0].ports[0]: duplicate port name "http" with spec.template.spec.initContainers[0].ports[0], services and probes that select ports by name will use spec.template.spec.initContainers[0].ports[0]`,
		}},
		{rule: "negative terminationGracePeriodSeconds", spec: func(s *corev1.PodSpec) { s.TerminationGracePeriodSeconds = ptr.To[int64](-5) },
			at: "spec.terminationGracePeriodSeconds", texts: []string{`spec.template.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1`}},
		{rule: "null pod affinity selector", spec: func(s *corev1.PodSpec) {
			s.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 1, PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "kubernetes.io/hostname"}}}}}
		}, at: "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector",
			texts: []string{`spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector: a null labelSelector results in matching no pod`}},
		{rule: "non-standard IP address", spec: func(s *corev1.PodSpec) {
			s.DNSPolicy = corev1.DNSNone
			s.DNSConfig = &corev1.PodDNSConfig{Nameservers: []string{"2001:DB8::1"}}
		}, at: "spec.dnsConfig.nameservers[0]", texts: []string{`spec.template.spec.dnsConfig.nameservers[0]: IPv6 address "2001:DB8::1" should be in RFC 5952 canonical format ("2001:db8::1")`}},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			spec := corev1.PodSpec{Containers: []corev1.Container{main()}, SecurityContext: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: "RuntimeDefault"}}}
			if tc.spec != nil {
				tc.spec(&spec)
			}
			// A pod without the rule's problem gives no warning.
			if got := Template(Path{"spec", "template"}, &metav1.ObjectMeta{}, &corev1.PodSpec{Containers: []corev1.Container{main()}}); len(got) > 0 {
				t.Fatalf("a plain pod warns: %v", got)
			}
			got := Template(Path{"spec", "template"}, &tc.meta, &spec)
			var texts []string
			for _, w := range got {
				if w.Rule != tc.rule {
					t.Errorf("warning %q comes from rule %q, want %q", w.Text, w.Rule, tc.rule)
				}
				texts = append(texts, w.Text)
			}
			if !slices.Equal(texts, tc.texts) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(tc.texts, "\n"))
			}
			if len(got) > 0 && got[0].At.String() != tc.at {
				t.Errorf("first warning at %s, want %s", got[0].At, tc.at)
			}
		})
	}
	for _, r := range Rules {
		if !covered[r.Name] {
			t.Errorf("rule %q has no test case", r.Name)
		}
		if r.Upstream == "" || r.Fix == "" {
			t.Errorf("rule %q does not name its upstream function and its fix", r.Name)
		}
	}
}
