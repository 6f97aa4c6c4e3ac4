package release

// Label and annotation keys rollspec sets on the objects it compiles,
// defined once: gen sets them, load refuses them among a release's own
// labels (ReservedLabels), and tests select objects by them.
const (
	// LabelApp is Istio's application label, on pods; Deployments and
	// Services select the release's pods by it.
	LabelApp = "app"
	// LabelVersion is Istio's version label, on pods; the
	// DestinationRule's subsets, and Deployments and Services of one
	// version, select it.
	LabelVersion = "version"
	// LabelName is Kubernetes' recommended application name label, on
	// every object: it selects all of a release's objects.
	LabelName = "app.kubernetes.io/name"
	// LabelAppVersion is Kubernetes' recommended version label, on pods.
	LabelAppVersion = "app.kubernetes.io/version"
	// LabelManagedBy is Kubernetes' recommended label naming the tool
	// that manages an object, on every object with the value ManagedBy:
	// `kubectl apply --prune -l` selects rollspec's objects by it.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is LabelManagedBy's value.
	ManagedBy = "rollspec"
	// AnnotationChangeCause is the annotation `kubectl rollout history`
	// shows; a release's changeCause is its value, counted in the size
	// limit of the annotations.
	AnnotationChangeCause = "kubernetes.io/change-cause"
)

// ReservedLabels returns the label keys rollspec sets itself, which a
// release's labels may not set: rollspec's value would silently win.
func ReservedLabels() []string {
	return []string{LabelApp, LabelVersion, LabelName, LabelAppVersion, LabelManagedBy}
}
