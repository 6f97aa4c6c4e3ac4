package release

// rollspec's own kinds: the function configs a kustomization names as
// generators (`rollspec fn`). They are defined here once; the KRM function
// reads them, and the loader and the path rules recognise them beside
// specs, where they hold no release of their own (a ReleaseSet) or one
// under spec (a Release).
const (
	// ConfigGroup is the API group of rollspec's kinds.
	ConfigGroup = "rollspec.dev"
	// ConfigAPIVersion is the apiVersion of rollspec's kinds.
	ConfigAPIVersion = ConfigGroup + "/v1alpha1"
	// ConfigRelease holds one release spec inline under spec.
	ConfigRelease = "Release"
	// ConfigReleaseSet names spec files or directories under spec.paths,
	// relative to the directory the function runs in (for kustomize exec
	// functions, the kustomization's directory).
	ConfigReleaseSet = "ReleaseSet"
)
