package podcheck

import (
	"strings"

	psa "k8s.io/pod-security-admission/api"
)

// keepLevel is the change to the spec that ends a violation of the Pod
// Security check that gave reason (and detail) while keeping the level: what a pod
// Kubernetes' check at level allows writes instead. It is the first fix a
// hint offers; a lower level is the last. "" for a check it does not know.
func keepLevel(reason, detail string, level psa.Level) string {
	if strings.HasPrefix(reason, "forbidden AppArmor profile") {
		return "appArmorProfile type RuntimeDefault or Localhost, or unset"
	}
	switch reason {
	case "privileged":
		return "privileged: false or unset"
	case "host namespaces":
		return "hostNetwork, hostPID and hostIPC false or unset"
	case "hostPath volumes":
		return "another volume source, such as emptyDir, configMap, secret or persistentVolumeClaim"
	case "hostPort":
		return "no hostPort: a Service reaches the pods at their containerPort"
	case "non-default capabilities":
		if level == psa.LevelRestricted {
			return "capabilities.add of NET_BIND_SERVICE only"
		}
		return "capabilities.add of Kubernetes' default capabilities only, such as NET_BIND_SERVICE, CHOWN or SETUID"
	case "unrestricted capabilities":
		// One result names both a missing drop and a forbidden add.
		var fix []string
		if strings.Contains(detail, "capabilities.drop") {
			fix = append(fix, `"ALL" in capabilities.drop, or drop unset (rollspec fills in [ALL])`)
		}
		if strings.Contains(detail, "capabilities.add") {
			fix = append(fix, "capabilities.add of NET_BIND_SERVICE only")
		}
		return strings.Join(fix, ", and ")
	case "restricted volume types":
		return "configMap, secret, emptyDir, projected, downwardAPI, persistentVolumeClaim, ephemeral or csi volumes"
	case escalation:
		return "allowPrivilegeEscalation: false, or unset (rollspec fills in false)"
	case "runAsNonRoot != true":
		return "runAsNonRoot: true, or unset (rollspec fills in true), with a non-root runAsUser or image user"
	case "runAsUser=0":
		return "a non-zero runAsUser"
	case "seccompProfile":
		return "seccompProfile type RuntimeDefault or Localhost, or unset (rollspec fills in RuntimeDefault)"
	case "seLinuxOptions":
		return "seLinuxOptions without user or role, of type container_t, container_init_t, container_kvm_t or container_engine_t"
	case "procMount":
		return "procMount: Default, or unset"
	case "forbidden sysctls":
		return "the sysctls Kubernetes counts as safe, such as net.ipv4.ip_local_port_range or net.ipv4.ip_unprivileged_port_start"
	case "hostProcess":
		return "windowsOptions.hostProcess: false, or unset"
	case "probe or lifecycle host":
		return "probes and lifecycle handlers without host (they reach the pod's own IP)"
	}
	return ""
}
