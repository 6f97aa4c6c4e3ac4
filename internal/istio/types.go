package istio

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// APIVersion is the Istio networking API version rollspec writes.
const APIVersion = "networking.istio.io/v1"

// DestinationRule defines subsets of a service's pods by label.
type DestinationRule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              DestinationRuleSpec `json:"spec"`
}

// DestinationRuleSpec is the spec of a DestinationRule.
type DestinationRuleSpec struct {
	Host    string   `json:"host"`
	Subsets []Subset `json:"subsets,omitempty"`
}

// Subset is a named set of a service's pods, selected by labels.
type Subset struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
}

// VirtualService routes requests for hosts to destinations.
type VirtualService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              VirtualServiceSpec `json:"spec"`
}

// VirtualServiceSpec is the spec of a VirtualService.
type VirtualServiceSpec struct {
	Hosts    []string    `json:"hosts"`
	Gateways []string    `json:"gateways,omitempty"`
	HTTP     []HTTPRoute `json:"http"`
	TCP      []TCPRoute  `json:"tcp,omitempty"`
}

// HTTPRoute is one HTTP routing rule: requests matching any Match go to
// Route, optionally mirrored.
type HTTPRoute struct {
	Name             string                 `json:"name,omitempty"`
	Match            []HTTPMatchRequest     `json:"match,omitempty"`
	Route            []HTTPRouteDestination `json:"route"`
	Mirror           *Destination           `json:"mirror,omitempty"`
	MirrorPercentage *Percent               `json:"mirrorPercentage,omitempty"`
}

// HTTPMatchRequest holds conditions that must all hold.
type HTTPMatchRequest struct {
	Name        string                 `json:"name,omitempty"`
	Headers     map[string]StringMatch `json:"headers,omitempty"`
	QueryParams map[string]StringMatch `json:"queryParams,omitempty"`
}

// StringMatch matches a string exactly, by prefix or by RE2 regex.
type StringMatch struct {
	Exact  string `json:"exact,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	Regex  string `json:"regex,omitempty"`
}

// TCPRoute routes opaque TCP traffic: Istio applies it to ports that are
// neither HTTP nor TLS; without one, such a port reaches every pod the
// Service selects.
type TCPRoute struct {
	Match []L4MatchAttributes    `json:"match,omitempty"`
	Route []HTTPRouteDestination `json:"route"`
}

// L4MatchAttributes selects connections by the port addressed.
type L4MatchAttributes struct {
	Port uint32 `json:"port,omitempty"`
}

// HTTPRouteDestination is a weighted destination, of an http route or
// (with the same fields as Istio's RouteDestination) of a tcp route.
type HTTPRouteDestination struct {
	Destination Destination `json:"destination"`
	Weight      int32       `json:"weight,omitempty"`
}

// Destination is a service host, optionally a subset and a port.
type Destination struct {
	Host   string        `json:"host"`
	Subset string        `json:"subset,omitempty"`
	Port   *PortSelector `json:"port,omitempty"`
}

// PortSelector selects a service port by number.
type PortSelector struct {
	Number uint32 `json:"number"`
}

// Percent is a percentage that may have decimals.
type Percent struct {
	Value float64 `json:"value"`
}

// Gateway configures an ingress gateway's listeners.
type Gateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              GatewaySpec `json:"spec"`
}

// GatewaySpec is the spec of a Gateway.
type GatewaySpec struct {
	Selector map[string]string `json:"selector"`
	Servers  []Server          `json:"servers"`
}

// Server is one listener of a gateway.
type Server struct {
	Port  Port       `json:"port"`
	Hosts []string   `json:"hosts"`
	TLS   *ServerTLS `json:"tls,omitempty"`
}

// ServerTLS is a listener's TLS: a redirect from plain HTTP, or how HTTPS
// is terminated.
type ServerTLS struct {
	HTTPSRedirect  bool   `json:"httpsRedirect,omitempty"`
	Mode           string `json:"mode,omitempty"`
	CredentialName string `json:"credentialName,omitempty"`
}

// Port is a gateway listener port.
type Port struct {
	Number   uint32 `json:"number"`
	Name     string `json:"name"`
	Protocol string `json:"protocol"`
}
