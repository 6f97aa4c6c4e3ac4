package podcheck

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psa "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// TestLatestChecks: the evaluator built from latestChecks decides every
// pod as the one built from all of Kubernetes' checks does at the latest
// version, at both levels, for a pod that passes and for one mutation per
// check (and a few that several checks read); and every violation has
// a hint that keeps the level (keepLevel).
func TestLatestChecks(t *testing.T) {
	full, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := policy.NewEvaluator(latestChecks(policy.DefaultChecks()), nil)
	if err != nil {
		t.Fatal(err)
	}
	yes, no, root := true, false, int64(0)
	valid := func() (*metav1.ObjectMeta, *corev1.PodSpec) {
		sc := &corev1.SecurityContext{
			AllowPrivilegeEscalation: &no,
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		}
		return &metav1.ObjectMeta{Name: "p"}, &corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &yes, SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers:      []corev1.Container{{Name: "a", Image: "a", SecurityContext: sc}},
		}
	}
	c0 := func(s *corev1.PodSpec) *corev1.SecurityContext { return s.Containers[0].SecurityContext }
	for name, mutate := range map[string]func(*metav1.ObjectMeta, *corev1.PodSpec){
		"valid":       func(*metav1.ObjectMeta, *corev1.PodSpec) {},
		"privileged":  func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { c0(s).Privileged = &yes },
		"hostNetwork": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.HostNetwork = true },
		"hostPID":     func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.HostPID = true },
		"hostIPC":     func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.HostIPC = true },
		"hostPath": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
		},
		"restrictedVolume": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "g", VolumeSource: corev1.VolumeSource{GCEPersistentDisk: &corev1.GCEPersistentDiskVolumeSource{PDName: "d"}}}}
		},
		"hostPort": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 80}}
		},
		"capabilityAdd": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			c0(s).Capabilities.Add = []corev1.Capability{"NET_ADMIN"}
		},
		"capabilityBaseline": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { c0(s).Capabilities.Add = []corev1.Capability{"CHOWN"} },
		"noDrop":             func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { c0(s).Capabilities = nil },
		"runAsRoot":          func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.SecurityContext.RunAsNonRoot = &no },
		"runAsUser0":         func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { c0(s).RunAsUser = &root },
		"seccompUnconfined": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.SecurityContext.SeccompProfile.Type = corev1.SeccompProfileTypeUnconfined
		},
		"seccompMissing":  func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { s.SecurityContext.SeccompProfile = nil },
		"escalation":      func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { c0(s).AllowPrivilegeEscalation = &yes },
		"escalationUnset": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { c0(s).AllowPrivilegeEscalation = nil },
		"procMount":       func(_ *metav1.ObjectMeta, s *corev1.PodSpec) { pm := corev1.UnmaskedProcMount; c0(s).ProcMount = &pm },
		"sysctl": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.SecurityContext.Sysctls = []corev1.Sysctl{{Name: "kernel.msgmax", Value: "1"}}
		},
		"seLinux": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			c0(s).SELinuxOptions = &corev1.SELinuxOptions{Type: "spc_t"}
		},
		"appArmorField": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			c0(s).AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
		},
		"appArmorAnnotation": func(m *metav1.ObjectMeta, _ *corev1.PodSpec) {
			m.Annotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/a": "unconfined"}
		},
		"windowsHostProcess": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.SecurityContext.WindowsOptions = &corev1.WindowsSecurityContextOptions{HostProcess: &yes}
		},
		"probeHost": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Host: "10.0.0.1"}}}
		},
		"initContainerEscalates": func(_ *metav1.ObjectMeta, s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "i", Image: "i"}}
		},
	} {
		for _, level := range []psa.Level{psa.LevelBaseline, psa.LevelRestricted} {
			meta, spec := valid()
			mutate(meta, spec)
			lv := psa.LevelVersion{Level: level, Version: psa.LatestVersion()}
			want, got := full.EvaluatePod(lv, meta, spec), latest.EvaluatePod(lv, meta, spec)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s at %s: latest checks give %+v, all checks %+v", name, level, got, want)
			}
			for _, res := range want {
				if !res.Allowed && keepLevel(res.ForbiddenReason, res.ForbiddenDetail, level) == "" {
					t.Errorf("%s at %s: no fix that keeps the level for %q (%s)", name, level, res.ForbiddenReason, res.ForbiddenDetail)
				}
			}
			if name != "valid" && level == psa.LevelRestricted && allowed(want) {
				t.Errorf("%s at restricted: allowed, want a violation (the case tests nothing)", name)
			}
		}
	}
}

func allowed(rs []policy.CheckResult) bool {
	for _, r := range rs {
		if !r.Allowed {
			return false
		}
	}
	return true
}
