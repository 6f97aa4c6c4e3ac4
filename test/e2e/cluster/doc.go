// Package cluster runs a real, throw-away Kubernetes control plane on the
// loopback interface for end-to-end tests.
//
// A cluster is made of real upstream binaries, built from the Go module proxy
// by hack/tools/install.sh (see [Tools]): etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler, plus kwok, which plays the
// kubelets so that pods on its fake nodes become Running and Ready without any
// container runtime (images are never pulled). Deployments roll out for real,
// EndpointSlices follow pod readiness, admission (Pod Security included) and
// server-side validation behave as in production. StatefulSets and DaemonSets
// roll out too: every on-by-default controller runs, among them the
// persistentvolume-binder, which binds a claim to a PersistentVolume created
// beforehand (no provisioner runs; a StorageClass with provisioner
// kubernetes.io/no-provisioner and volumeBindingMode Immediate serves).
//
// Every component listens on 127.0.0.1 only, on ports the kernel picked, and
// keeps its state in a private temporary directory, so clusters can run side
// by side. Boot takes a few seconds once the tools are built; the first
// [Tools] call on a machine builds them (several minutes on 2 cores) into a
// cache outside the repository.
//
// Typical use from a test package:
//
//	var kube *cluster.Cluster
//
//	func TestMain(m *testing.M) { os.Exit(run(m)) }
//
//	func run(m *testing.M) int {
//		// Ctrl-C / SIGTERM cancel ctx, which stops the cluster.
//		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
//		defer stop()
//		c, err := cluster.Start(ctx, cluster.Options{IstioCRDs: true})
//		if err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			return 1
//		}
//		defer c.Stop()
//		kube = c
//		return m.Run()
//	}
//
// Tests then use [Cluster.Kubectl], or run other programs with
// [Cluster.Env] appended to their environment.
//
// # Process lifetime
//
// Every process a [Cluster] starts is stopped by [Cluster.Stop] (SIGTERM to
// its whole process group, SIGKILL after a grace period), and also when the
// context given to [Start] is cancelled, so a context from
// [signal.NotifyContext] turns Ctrl-C into a clean shutdown. On Linux the
// children additionally get SIGKILL if the process that started them dies
// (Pdeathsig), which covers a test binary killed by `go test -timeout` or by
// SIGKILL; only the temporary directory is left behind then. (Pdeathsig fires
// when the OS thread that started the child exits, so do not call Start from a
// goroutine that locked its OS thread and then exits.)
package cluster
