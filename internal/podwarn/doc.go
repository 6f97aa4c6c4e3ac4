// Package podwarn is the API server's warnings about a pod template,
// ported from Kubernetes (pkg/api/pod/warnings.go and the helpers it
// calls, in the version rollspec builds with): what kube-apiserver answers
// a Deployment, StatefulSet or DaemonSet with as "Warning: …" although it
// accepts it — a sidecar repeating the main container's port, a
// deprecated annotation or node label, a negative grace period. rollspec
// reports each at compile time, at the spec field that causes it, so that
// what it writes applies with zero warnings. The rules are one table,
// Rules, each naming the upstream function it comes from; k8s.io/kubernetes
// itself is not a dependency (it is far too large).
package podwarn
