package podwarn

import (
	"fmt"
	"os"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// upstream is the function of k8s.io/kubernetes (v1.37) most rules come
// from: pkg/api/pod/warnings.go.
const upstream = "pkg/api/pod/warnings.go warningsForPodSpecAndMeta"

// Rules are the API server's warning rules about a pod template, in the
// order it applies them (its per-container rules, one loop upstream, are
// a rule each here); Template runs them all.
var Rules = []Rule{
	{Name: "deprecated node label in nodeSelector", Upstream: upstream + " (nodeapi.GetNodeLabelDeprecatedMessage)",
		Fix: "the label the message names", check: func(c *checker) {
			for _, k := range sortedKeys(c.spec.NodeSelector) {
				if msg, ok := deprecatedNodeLabels[k]; ok {
					c.warn(Path{"spec", "nodeSelector"}.Key(k), "%s", msg)
				}
			}
		}},
	{Name: "node affinity term", Upstream: upstream + " (nodeapi.GetWarningsForNodeSelectorTerm)",
		Fix: "the label the message names, and valid label values", check: func(c *checker) {
			a := c.spec.Affinity
			if a == nil || a.NodeAffinity == nil {
				return
			}
			at := Path{"spec", "affinity", "nodeAffinity"}
			if r := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution; r != nil {
				for i, t := range r.NodeSelectorTerms {
					c.nodeSelectorTerm(t, false, at.Child("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms").Index(i))
				}
			}
			for i, t := range a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
				c.nodeSelectorTerm(t.Preference, true, at.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i).Child("preference"))
			}
		}},
	{Name: "topology spread constraint", Upstream: upstream + " (topologySpreadConstraints)",
		Fix: "a current topology key, and a labelSelector", check: func(c *checker) {
			for i, t := range c.spec.TopologySpreadConstraints {
				at := Path{"spec", "topologySpreadConstraints"}.Index(i)
				if msg, ok := deprecatedNodeLabels[t.TopologyKey]; ok {
					c.warn(at.Child("topologyKey"), "%s is %s", t.TopologyKey, msg)
				}
				if t.LabelSelector == nil {
					c.warn(at.Child("labelSelector"), "a null labelSelector results in matching no pod")
				}
			}
		}},
	{Name: "deprecated annotation", Upstream: upstream + " (deprecatedAnnotations)",
		Fix: "the field the message names", check: func(c *checker) {
			for _, d := range deprecatedAnnotations {
				if _, ok := c.meta.Annotations[d.key]; ok {
					c.warn(Path{"metadata", "annotations"}.Key(d.key), "%s", d.message)
				}
			}
		}},
	{Name: "deprecated volume plugin", Upstream: upstream + " (deprecated and removed volume plugins)",
		Fix: "a CSI driver or another volume source", check: func(c *checker) {
			for i, v := range c.spec.Volumes {
				at := Path{"spec", "volumes"}.Index(i)
				switch {
				case v.PhotonPersistentDisk != nil:
					c.warn(at.Child("photonPersistentDisk"), "deprecated in v1.11, non-functional in v1.16+")
				case v.GitRepo != nil:
					// The GitRepoVolumeDriver feature gate is off by default.
					c.warn(at.Child("gitRepo"), "deprecated in v1.11, and disabled by default in v1.33+")
				case v.ScaleIO != nil:
					c.warn(at.Child("scaleIO"), "deprecated in v1.16, non-functional in v1.22+")
				case v.Flocker != nil:
					c.warn(at.Child("flocker"), "deprecated in v1.22, non-functional in v1.25+")
				case v.StorageOS != nil:
					c.warn(at.Child("storageOS"), "deprecated in v1.22, non-functional in v1.25+")
				case v.Quobyte != nil:
					c.warn(at.Child("quobyte"), "deprecated in v1.22, non-functional in v1.25+")
				case v.Glusterfs != nil:
					c.warn(at.Child("glusterfs"), "deprecated in v1.25, non-functional in v1.26+")
				case v.CephFS != nil:
					c.warn(at.Child("cephfs"), "deprecated in v1.28, non-functional in v1.31+")
				case v.RBD != nil:
					c.warn(at.Child("rbd"), "deprecated in v1.28, non-functional in v1.31+")
				}
			}
		}},
	{Name: "fractional ephemeral volume storage", Upstream: upstream + " (ephemeral volumes; pkg/api/persistentvolumeclaim GetWarningsForPersistentVolumeClaimSpec)",
		Fix: "a whole number of bytes, such as 1Gi", check: func(c *checker) {
			for i, v := range c.spec.Volumes {
				if v.Ephemeral == nil || v.Ephemeral.VolumeClaimTemplate == nil {
					continue
				}
				res := v.Ephemeral.VolumeClaimTemplate.Spec.Resources
				at := Path{"spec", "volumes"}.Index(i).Child("ephemeral", "volumeClaimTemplate", "spec", "resources")
				c.fractional(res.Requests, corev1.ResourceStorage, func() Path { return at.Child("requests") })
				c.fractional(res.Limits, corev1.ResourceStorage, func() Path { return at.Child("limits") })
			}
		}},
	{Name: "overlapping volume paths", Upstream: "pkg/api/pod/warnings.go warningsForOverlappingVirtualPaths",
		Fix: "a path of its own for each key", check: overlappingPaths},
	{Name: "duplicate hostAliases ip", Upstream: upstream + " (duplicate hostAliases)",
		Fix: "one entry per ip, with all its hostnames", check: func(c *checker) {
			seen := map[string]bool{}
			for i, h := range c.spec.HostAliases {
				if seen[h.IP] {
					c.warn(Path{"spec", "hostAliases"}.Index(i).Child("ip"), "duplicate ip %q", h.IP)
				}
				seen[h.IP] = true
			}
		}},
	{Name: "imagePullSecrets", Upstream: upstream + " (duplicate imagePullSecrets, imagePullSecrets with empty name)",
		Fix: "each secret once, by name", check: func(c *checker) {
			seen := map[string]bool{}
			for i, s := range c.spec.ImagePullSecrets {
				if seen[s.Name] {
					c.warn(Path{"spec", "imagePullSecrets"}.Index(i).Child("name"), "duplicate name %q", s.Name)
				}
				seen[s.Name] = true
			}
			for i, s := range c.spec.ImagePullSecrets {
				if s.Name == "" {
					c.warn(Path{"spec", "imagePullSecrets"}.Index(i).Child("name"), "invalid empty name %q", s.Name)
				}
			}
		}},
	{Name: "fractional overhead", Upstream: upstream + " (fractional memory/ephemeral-storage)",
		Fix: "a whole number of bytes, such as 128Mi", check: func(c *checker) {
			overhead := func() Path { return Path{"spec", "overhead"} }
			c.fractional(c.spec.Overhead, corev1.ResourceMemory, overhead)
			c.fractional(c.spec.Overhead, corev1.ResourceEphemeralStorage, overhead)
		}},
	{Name: "seccomp pod annotation", Upstream: upstream + " (pod seccomp annotation without accompanying field)",
		Fix: "pod.securityContext.seccompProfile", check: func(c *checker) {
			if sc := c.spec.SecurityContext; sc == nil || sc.SeccompProfile == nil {
				if _, ok := c.meta.Annotations[seccompPod]; ok {
					c.warn(Path{"metadata", "annotations"}.Key(seccompPod), `non-functional in v1.27+; use the "seccompProfile" field instead`)
				}
			}
		}},
	{Name: "seccomp container annotation", Upstream: upstream + " (container seccomp annotation without accompanying field)",
		Fix: "the container's securityContext.seccompProfile", check: func(c *checker) {
			c.containers(func(ct *corev1.Container, _ slot) {
				if sc := ct.SecurityContext; sc == nil || sc.SeccompProfile == nil {
					if _, ok := c.meta.Annotations[seccompContainer+ct.Name]; ok {
						c.warn(Path{"metadata", "annotations"}.Key(seccompContainer+ct.Name), `non-functional in v1.27+; use the "seccompProfile" field instead`)
					}
				}
			})
		}},
	{Name: "AppArmor container annotation", Upstream: upstream + " (container AppArmor annotation without accompanying field, pod templates)",
		Fix: "the container's securityContext.appArmorProfile", check: func(c *checker) {
			var pod *corev1.AppArmorProfile
			if c.spec.SecurityContext != nil {
				pod = c.spec.SecurityContext.AppArmorProfile
			}
			c.containers(func(ct *corev1.Container, _ slot) {
				if sc := ct.SecurityContext; sc == nil || sc.AppArmorProfile == nil {
					if v, ok := c.meta.Annotations[apparmor+ct.Name]; ok && !sameAppArmor(pod, v) {
						c.warn(Path{"metadata", "annotations"}.Key(apparmor+ct.Name), `deprecated since v1.30; use the "appArmorProfile" field instead`)
					}
				}
			})
		}},
	{Name: "fractional container resources", Upstream: upstream + " (fractional memory/ephemeral-storage requests/limits)",
		Fix: "a whole number of bytes, such as 128Mi", check: func(c *checker) {
			c.containers(func(ct *corev1.Container, at slot) {
				res := ct.Resources
				limits := func() Path { return at.Path().Child("resources", "limits") }
				requests := func() Path { return at.Path().Child("resources", "requests") }
				c.fractional(res.Limits, corev1.ResourceMemory, limits)
				c.fractional(res.Requests, corev1.ResourceMemory, requests)
				c.fractional(res.Limits, corev1.ResourceEphemeralStorage, limits)
				c.fractional(res.Requests, corev1.ResourceEphemeralStorage, requests)
			})
		}},
	{Name: "duplicate env", Upstream: upstream + " (duplicate containers[*].env)",
		Fix: "each variable once, or a later entry that refers to the earlier as $(NAME)", check: func(c *checker) {
			c.containers(func(ct *corev1.Container, at slot) {
				seen := map[string]bool{}
				for i, e := range ct.Env {
					if !seen[e.Name] {
						seen[e.Name] = true
						continue
					}
					ref := "$(" + e.Name + ")"
					if e.ValueFrom != nil || e.Value == ref || !strings.Contains(e.Value, ref) {
						c.warn(at.Path().Child("env").Index(i), "hides previous definition of %q, which may be dropped when using apply", e.Name)
					}
				}
			})
		}},
	{Name: "ports", Upstream: upstream + " (accumulate ports across all containers)",
		Fix: "each port in one container only", check: func(c *checker) {
			type block struct {
				at   slot
				i    int // the port's index in its container
				port corev1.ContainerPort
			}
			all := map[string][]block{}
			c.containers(func(ct *corev1.Container, at slot) {
				for i, p := range ct.Ports {
					p = protocol(p)
					if p.HostIP != "" && p.HostPort == 0 {
						c.warn(at.port(i), "hostIP set without hostPort: %+v", p)
					}
					k := fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol)
					for _, o := range all[k] {
						a, b := p.HostIP == "", o.port.HostIP == ""
						switch {
						case p.HostIP == o.port.HostIP && p.HostPort == o.port.HostPort:
							c.warn(at.port(i), "duplicate port definition with %s", c.full(o.at.port(o.i)))
						case p.HostPort == 0 || o.port.HostPort == 0:
							c.warn(at.port(i), "overlapping port definition with %s", c.full(o.at.port(o.i)))
						case p.HostPort == o.port.HostPort && (a || b) && !(a && b):
							c.warn(at.port(i), "dangerously ambiguous port definition with %s", c.full(o.at.port(o.i)))
						}
					}
					all[k] = append(all[k], block{at, i, p})
				}
			})
		}},
	{Name: "port names", Upstream: upstream + " (accumulate port names of containers and sidecar containers)",
		Fix: "a port name of its own", check: func(c *checker) {
			type named struct {
				at slot
				i  int
			}
			names := map[string]named{}
			c.containers(func(ct *corev1.Container, at slot) {
				for i, p := range ct.Ports {
					if p.Name == "" {
						continue
					}
					if o, ok := names[p.Name]; ok {
						first := c.full(o.at.port(o.i))
						c.warn(at.port(i), "duplicate port name %q with %s, services and probes that select ports by name will use %s", p.Name, first, first)
						continue
					}
					names[p.Name] = named{at, i}
				}
			})
		}},
	{Name: "negative terminationGracePeriodSeconds", Upstream: upstream + " (terminationGracePeriodSeconds is negative)",
		Fix: "0 or more seconds", check: func(c *checker) {
			if g := c.spec.TerminationGracePeriodSeconds; g != nil && *g < 0 {
				c.warn(Path{"spec", "terminationGracePeriodSeconds"}, "must be >= 0; negative values are invalid and will be treated as 1")
			}
		}},
	{Name: "null pod affinity selector", Upstream: "pkg/api/pod/warnings.go warningsForPodAffinityTerms, warningsForWeightedPodAffinityTerms",
		Fix: "a labelSelector", check: func(c *checker) {
			a := c.spec.Affinity
			if a == nil {
				return
			}
			if p := a.PodAffinity; p != nil {
				c.nullSelector(Path{"spec", "affinity", "podAffinity"}, p.RequiredDuringSchedulingIgnoredDuringExecution, p.PreferredDuringSchedulingIgnoredDuringExecution)
			}
			if p := a.PodAntiAffinity; p != nil {
				c.nullSelector(Path{"spec", "affinity", "podAntiAffinity"}, p.RequiredDuringSchedulingIgnoredDuringExecution, p.PreferredDuringSchedulingIgnoredDuringExecution)
			}
		}},
	{Name: "non-standard IP address", Upstream: upstream + " (deprecated IP address formats; validation.GetWarningsForIP)",
		Fix: "the address in its standard form", check: func(c *checker) {
			if d := c.spec.DNSConfig; d != nil {
				for i, ns := range d.Nameservers {
					c.ip(Path{"spec", "dnsConfig", "nameservers"}.Index(i), ns)
				}
			}
			for i, h := range c.spec.HostAliases {
				c.ip(Path{"spec", "hostAliases"}.Index(i).Child("ip"), h.IP)
			}
		}},
}

// overlappingPaths warns about keys of one volume written to one path, or
// to a path inside another's (warnings.go,
// warningsForOverlappingVirtualPaths); its warnings name the volume, not
// a field path.
func overlappingPaths(c *checker) {
	type source struct{ path, from string }
	str := func(s source) string {
		if s.from != "" {
			return fmt.Sprintf("%q (%s)", s.path, s.from)
		}
		return fmt.Sprintf("%q", s.path)
	}
	overlaps := func(seen []source, s source) []source {
		if s.path == "" {
			return nil
		}
		var out []source
		for _, o := range seen {
			switch {
			case o.path == "":
			case o == s, strings.HasPrefix(o.path+"/", s.path+"/"), strings.HasPrefix(s.path+"/", o.path+"/"):
				out = append(out, o)
			}
		}
		return out
	}
	keys := func(items []corev1.KeyToPath, from string) []source {
		out := make([]source, 0, len(items))
		for _, k := range items {
			out = append(out, source{k.Path, from})
		}
		return out
	}
	files := func(items []corev1.DownwardAPIVolumeFile, from string) []source {
		out := make([]source, 0, len(items))
		for _, k := range items {
			out = append(out, source{k.Path, from})
		}
		return out
	}
	for i, v := range c.spec.Volumes {
		at := Path{"spec", "volumes"}.Index(i)
		warn := func(desc, body string) {
			c.add(at, fmt.Sprintf("volume %q (%s): overlapping paths: %s", v.Name, desc, body))
		}
		// checkVolumeMappingForOverlap
		one := func(desc string, list []source) {
			var seen []source
			for _, s := range list {
				s.path = strings.TrimRight(s.path, string(os.PathSeparator))
				for _, o := range overlaps(seen, s) {
					warn(desc, fmt.Sprintf("%s with %s", str(s), str(o)))
				}
				seen = append(seen, s)
			}
		}
		if v.ConfigMap != nil && v.ConfigMap.Items != nil {
			one(fmt.Sprintf("ConfigMap %q", v.ConfigMap.Name), keys(v.ConfigMap.Items, ""))
		}
		if v.Secret != nil && v.Secret.Items != nil {
			one(fmt.Sprintf("Secret %q", v.Secret.SecretName), keys(v.Secret.Items, ""))
		}
		if v.DownwardAPI != nil && v.DownwardAPI.Items != nil {
			one("DownwardAPI", files(v.DownwardAPI.Items, ""))
		}
		if v.Projected == nil {
			continue
		}
		var seen []source
		for _, p := range v.Projected.Sources {
			var list []source
			switch {
			case p == (corev1.VolumeProjection{}):
				c.add(at, fmt.Sprintf("volume %q (Projected) has no sources provided", v.Name))
				continue
			case p.ConfigMap != nil && p.ConfigMap.Items != nil:
				list = keys(p.ConfigMap.Items, fmt.Sprintf("ConfigMap %q", p.ConfigMap.Name))
			case p.Secret != nil && p.Secret.Items != nil:
				list = keys(p.Secret.Items, fmt.Sprintf("Secret %q", p.Secret.Name))
			case p.DownwardAPI != nil && p.DownwardAPI.Items != nil:
				list = files(p.DownwardAPI.Items, "DownwardAPI")
			case p.ServiceAccountToken != nil:
				list = []source{{p.ServiceAccountToken.Path, "ServiceAccountToken"}}
			case p.ClusterTrustBundle != nil:
				name := ""
				if p.ClusterTrustBundle.Name != nil {
					name = *p.ClusterTrustBundle.Name
				} else if p.ClusterTrustBundle.SignerName != nil {
					name = *p.ClusterTrustBundle.SignerName
				}
				list = []source{{p.ClusterTrustBundle.Path, fmt.Sprintf("ClusterTrustBundle %q", name)}}
			case p.PodCertificate != nil:
				for _, f := range []struct{ path, what string }{
					{p.PodCertificate.CertificateChainPath, "PodCertificate chain"},
					{p.PodCertificate.KeyPath, "PodCertificate key"},
					{p.PodCertificate.CredentialBundlePath, "PodCertificate credential bundle"},
				} {
					if f.path != "" {
						list = append(list, source{f.path, f.what})
					}
				}
			}
			for _, s := range list {
				s.path = strings.TrimRight(s.path, string(os.PathSeparator))
				for _, o := range overlaps(seen, s) {
					warn("Projected", fmt.Sprintf("%s with %s", str(s), str(o)))
				}
				seen = append(seen, s)
			}
		}
	}
}
