package istio

import "strings"

// Istio selects a port's protocol by the prefix of its name (the part
// before the first '-'), or by its name alone.
var (
	httpPrefixes = []string{"http", "http2", "grpc", "grpc-web"}
	tlsPrefixes  = []string{"https", "tls"}
)

// HTTPPort reports whether Istio treats a port with this name as HTTP,
// which VirtualService http routes serve.
func HTTPPort(name string) bool {
	return hasPrefix(name, httpPrefixes) || name == "grpc-web" || strings.HasPrefix(name, "grpc-web-")
}

// TLSPort reports whether Istio treats a port with this name as TLS,
// which only tls routes matching the SNI host serve.
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
