// Command test-cluster runs a real kube-apiserver backed by an embedded etcd, on 127.0.0.1 only,
// with RBAC authorization, for the tests and the demo of the Zero Trust plugin suite.
//
// With --controllers, kube-controller-manager and kube-scheduler of the same Kubernetes release run
// beside it as child processes, so Deployments get ReplicaSets and scheduled Pods (a kubelet such
// as KWOK makes them Running). Without it, objects stay exactly as written. When the server is
// ready it prints one JSON line on stdout:
// {"kubeconfig": "...", "server": "https://127.0.0.1:PORT", "pid": N}.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

type options struct {
	dataDir    string
	kubeconfig string
	port       int
	crdDirs    []string
	applyDirs  []string
	// controllers starts kube-controller-manager and kube-scheduler once the API server is ready.
	controllers bool
	producers   producers
}

type dirList []string

func (d *dirList) String() string     { return strings.Join(*d, ",") }
func (d *dirList) Set(v string) error { *d = append(*d, v); return nil }

func main() {
	if runSubcommand(os.Args[1:]) {
		return
	}
	var o options
	var crds, apply dirList
	flag.StringVar(&o.dataDir, "data-dir", "", "directory for etcd data, keys and ports (a new temporary one when empty); restarting with the same directory keeps the data and the ports")
	flag.StringVar(&o.kubeconfig, "kubeconfig", "", "where to write the admin kubeconfig (default <data-dir>/kubeconfig)")
	flag.IntVar(&o.port, "port", 0, "secure port of the API server (0: a free port, kept across restarts)")
	flag.Var(&crds, "crds", "directory of CustomResourceDefinition YAML to install before anything else (repeatable)")
	flag.Var(&apply, "apply", "directory of manifests to server-side apply once ready (repeatable)")
	flag.BoolVar(&o.controllers, "controllers", false, "run kube-controller-manager and kube-scheduler (logs in <data-dir>/<component>.log)")
	flag.StringVar(&o.producers.kwok, "kwok", "", "KWOK binary: runs as the kubelet of three fake nodes (needs --controllers and --kwok-stages)")
	flag.StringVar(&o.producers.kwokStages, "kwok-stages", "", "file of KWOK Stage objects (copied from KWOK's module by scripts/go-tools.sh)")
	flag.StringVar(&o.producers.argoRollouts, "argo-rollouts", "", "Argo Rollouts controller binary: runs in a network namespace of its own, reaching the API server through a relay (needs root)")
	flag.StringVar(&o.producers.kyvernoDir, "kyverno", "", "directory with Kyverno's `kyverno` and `reports-controller` binaries: admission webhook on 127.0.0.1 and background reports")
	flag.Parse()
	o.crdDirs, o.applyDirs = crds, apply

	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "test-cluster:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.dataDir == "" {
		dir, err := os.MkdirTemp("", "test-cluster-")
		if err != nil {
			return err
		}
		o.dataDir = dir
	}
	dataDir, err := filepath.Abs(o.dataDir)
	if err != nil {
		return err
	}
	if o.kubeconfig == "" {
		o.kubeconfig = filepath.Join(dataDir, "kubeconfig")
	}
	ports, err := loadOrAllocatePorts(dataDir, o.port)
	if err != nil {
		return err
	}
	pki, err := ensurePKI(filepath.Join(dataDir, "pki"))
	if err != nil {
		return err
	}
	identities, err := ensureIdentities(pki.Dir, ports)
	if err != nil {
		return err
	}
	if err := serveOIDCIssuer(identities, ports); err != nil {
		return err
	}

	etcd, err := startEtcd(filepath.Join(dataDir, "etcd"), ports)
	if err != nil {
		return fmt.Errorf("starting etcd: %w", err)
	}
	defer etcd.Close()

	server := fmt.Sprintf("https://127.0.0.1:%d", ports.APIServer)
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(apiServerArgs(ports, pki, identities))

	go func() {
		if err := whenReady(cmd.Context(), server, pki, ports, o); err != nil {
			fmt.Fprintln(os.Stderr, "test-cluster:", err)
			os.Exit(1)
		}
	}()
	return cmd.Execute()
}

func apiServerArgs(p ports, pki pkiFiles, identities identityFiles) []string {
	return []string{
		"--etcd-servers=" + p.etcdClientURL(),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		// Since 1.37 the endpoint reconciler refuses a loopback address; nothing here needs the
		// endpoints of the "kubernetes" Service (no pod talks to this server through it).
		"--endpoint-reconciler-type=none",
		fmt.Sprintf("--secure-port=%d", p.APIServer),
		"--cert-dir=" + pki.Dir,
		"--authorization-mode=RBAC",
		"--token-auth-file=" + pki.TokenFile,
		"--client-ca-file=" + identities.clientCACert,
		"--authentication-config=" + identities.authenticationConfig,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + pki.ServiceAccountPublicKey,
		"--service-account-signing-key-file=" + pki.ServiceAccountPrivateKey,
		"--api-audiences=https://kubernetes.default.svc.cluster.local",
		"--service-cluster-ip-range=10.96.0.0/16",
		// The plugin taints every new Node not-ready until node-lifecycle (not run here: it would
		// evict from fake nodes whose heartbeats lag) clears it, so nothing would be scheduled.
		"--disable-admission-plugins=TaintNodesByCondition",
		"--enable-priority-and-fairness=false",
		// On SIGTERM, stop after in-flight requests drained plus 2s, instead of waiting up to the
		// 60s request timeout for open watches: a restart in a test takes seconds.
		"--shutdown-send-retry-after=true",
		"--profiling=false",
		"--v=0",
	}
}

// whenReady waits for /readyz, writes the kubeconfig, installs CRDs and manifests, then announces.
func whenReady(ctx context.Context, server string, pki pkiFiles, ports ports, o options) error {
	start := time.Now()
	step := func(what string) {
		fmt.Fprintf(os.Stderr, "test-cluster: %s after %.1fs\n", what, time.Since(start).Seconds())
	}
	if err := writeKubeconfig(o.kubeconfig, server, pki); err != nil {
		return err
	}
	c, err := newClients(o.kubeconfig)
	if err != nil {
		return err
	}
	if err := c.waitReady(ctx, 3*time.Minute); err != nil {
		return err
	}
	step("API server ready")
	for _, dir := range o.crdDirs {
		if err := c.installCRDs(ctx, dir); err != nil {
			return fmt.Errorf("installing CRDs from %s: %w", dir, err)
		}
		step("CRDs from " + dir + " Established")
	}
	var procs children
	procs.stopOnSignal()
	dataDir := filepath.Dir(pki.Dir)
	if o.controllers {
		if err := procs.start(dataDir, "kube-controller-manager", controllerManagerArgs(o.kubeconfig, pki)); err != nil {
			return err
		}
		if err := procs.start(dataDir, "kube-scheduler", schedulerArgs(o.kubeconfig)); err != nil {
			return err
		}
		step("kube-controller-manager and kube-scheduler started")
	}
	if o.producers.kwok != "" {
		if err := c.startKwok(ctx, &procs, dataDir, o.producers); err != nil {
			return err
		}
		step("KWOK started with " + fmt.Sprint(len(fakeNodes)) + " fake nodes")
	}
	if o.producers.argoRollouts != "" {
		if err := c.startArgoRollouts(&procs, dataDir, o.producers, fmt.Sprintf("127.0.0.1:%d", ports.APIServer)); err != nil {
			return err
		}
		step("Argo Rollouts started")
	}
	if o.producers.kyvernoDir != "" {
		if err := c.startKyverno(ctx, &procs, dataDir, o.producers, ports); err != nil {
			return err
		}
		if err := c.waitKyvernoWebhook(ctx, ports, 3*time.Minute); err != nil {
			return err
		}
		step("Kyverno's webhook registered")
	}
	for _, dir := range o.applyDirs {
		if err := c.applyDir(ctx, dir); err != nil {
			return fmt.Errorf("applying %s: %w", dir, err)
		}
		step("applied " + dir)
	}
	line, _ := json.Marshal(map[string]any{"kubeconfig": o.kubeconfig, "server": server, "pid": os.Getpid(), "dataDir": filepath.Dir(pki.Dir)})
	fmt.Println(string(line))
	return nil
}
