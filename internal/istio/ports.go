package istio

import "strings"

// Istio selects a port's protocol by the prefix of its name (the part
// before the first '-'), or by its name alone.
var (
	httpPrefixes = []string{"http", "http2", "grpc", "grpc-web"}
	tlsPrefixes  = []string{"https", "tls"}
)

// kubeAppProtocols are the appProtocol values Kubernetes defines, as the
// protocol Istio reads each as.
var kubeAppProtocols = map[string]string{
	"kubernetes.io/h2c": "http2", // HTTP/2 over cleartext
	"kubernetes.io/ws":  "http",  // WebSocket over cleartext
	"kubernetes.io/wss": "https", // WebSocket over TLS
}

// Protocol is what Istio reads a Service port's protocol from: its
// appProtocol when it has one, which takes precedence over the name
// (Kubernetes' own kubernetes.io/h2c, ws and wss standing for http2, http
// and https), otherwise its name — as ConvertProtocol in Istio's
// pkg/config/kube does. HTTPPort and TLSPort take it.
func Protocol(name, appProtocol string) string {
	if appProtocol == "" {
		return name
	}
	if p, ok := kubeAppProtocols[appProtocol]; ok {
		return p
	}
	return strings.ToLower(appProtocol)
}

// HTTPPort reports whether Istio treats a port whose Protocol is name as
// HTTP, which VirtualService http routes serve.
func HTTPPort(name string) bool {
	return hasPrefix(name, httpPrefixes) || name == "grpc-web" || strings.HasPrefix(name, "grpc-web-")
}

// TLSPort reports whether Istio treats a port whose Protocol is name as
// TLS, which only tls routes matching the SNI host serve.
func TLSPort(name string) bool { return hasPrefix(name, tlsPrefixes) }

func hasPrefix(name string, prefixes []string) bool {
	proto, _, _ := strings.Cut(name, "-")
	for _, p := range prefixes {
		if proto == p {
			return true
		}
	}
	return false
}
