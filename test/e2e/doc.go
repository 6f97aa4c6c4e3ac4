// Package e2e proves rollspec's output on a real Kubernetes control plane.
//
// Its tests (run by `go test ./...`, skipped with -short) start one cluster
// from package cluster — etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok fake nodes on 127.0.0.1, with Istio's CRDs — and:
//
//   - apply every example's compiled output, after a server-side dry-run,
//     into namespaces that enforce the Pod Security level the spec claims,
//     and require zero errors, zero warnings and every pod created and ready
//     (an autoscaled Deployment once the HPA controller has scaled it to
//     minReplicas; the ServiceAccounts and Secrets its pods reference are
//     created first, as the platform would);
//   - keep an autoscaler's count across a re-apply of the same output, and
//     check that HorizontalPodAutoscalers and PodDisruptionBudgets are
//     admitted and that each budget counts exactly its Deployment's pods;
//   - send a pod the compiler refused at its Pod Security level to a
//     namespace enforcing that level, and require the API server to refuse
//     it for exactly the violations the compiler named;
//   - run `istioctl analyze --use-kube=false` over every Istio example's
//     output and require no messages at all;
//   - watch real rollouts from a v1 spec to a v2 spec (and back, where it
//     applies) and check the compiler's promises against what the
//     controllers did: surge and unavailability bounds, recreate's gap,
//     blue-green and canary endpoints, versioned config and promotion;
//   - roll StatefulSets (claims bound to volumes localStorage provides, a
//     partitioned rolling update, OnDelete) and a DaemonSet (at most
//     maxUnavailable nodes without a ready pod in any state), for now from
//     hand-written manifests, through the helpers of storage_test.go and
//     workloads_test.go that compiled ones will use.
//
// The package holds no code outside its tests.
package e2e
