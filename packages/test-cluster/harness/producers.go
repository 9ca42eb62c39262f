package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Producers are the real programs that write the cluster state the plugin reads, each built from
// its own Go module by scripts/go-tools.sh and run here out of cluster with the admin kubeconfig.
type producers struct {
	// kwok is the KWOK binary and kwokStages the Stage objects copied from its module
	// (kustomize/stage): it plays the kubelet of the fake nodes, so scheduled pods become Running.
	kwok, kwokStages string
	// kyvernoDir holds the `kyverno` (admission controller) and `reports-controller` binaries.
	kyvernoDir string
	// argoRollouts is the Argo Rollouts controller binary.
	argoRollouts string
}

// analysisEndpoint is a JSON health endpoint inside the Argo Rollouts controller's network
// namespace, for AnalysisTemplates whose `web` metric provider must query something real.
const analysisEndpoint = "127.0.0.1:8099"

// fakeNodes spread over two zones, so topology spread constraints have something to spread over.
var fakeNodes = []struct{ name, zone string }{
	{"kwok-node-0", "zone-a"}, {"kwok-node-1", "zone-b"}, {"kwok-node-2", "zone-a"},
}

func (c *clients) startKwok(ctx context.Context, procs *children, dataDir string, p producers) error {
	if _, err := os.Stat(p.kwokStages); err != nil {
		return fmt.Errorf("KWOK stages: %w", err)
	}
	nodes := schema.GroupVersionResource{Version: "v1", Resource: "nodes"}
	for _, n := range fakeNodes {
		// The node shape of KWOK's own example (test/kwok/fake-node.yaml in sigs.k8s.io/kwok),
		// without its taint: no real node exists here that pods should prefer.
		node := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Node",
			"metadata": map[string]any{
				"name":        n.name,
				"annotations": map[string]any{"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
				"labels": map[string]any{
					"kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
					"type": "kwok", "topology.kubernetes.io/zone": n.zone,
				},
			},
		}}
		if _, err := c.dynamic.Resource(nodes).Apply(ctx, n.name, node, metav1.ApplyOptions{FieldManager: fieldManager, Force: true}); err != nil {
			return fmt.Errorf("node %s: %w", n.name, err)
		}
	}
	return procs.startExec(dataDir, "kwok", p.kwok, []string{
		"--kubeconfig=" + c.kubeconfig,
		"--config=" + p.kwokStages,
		"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		"--cidr=10.244.0.0/16",
		"--node-ip=10.0.0.1",
	}, nil, 0)
}

// startArgoRollouts runs the Argo Rollouts controller (flags of v1.10's cmd/rollouts-controller)
// in a network namespace of its own: its metrics and health servers listen on all interfaces.
func (c *clients) startArgoRollouts(procs *children, dataDir string, p producers, apiServer string) error {
	return procs.startIsolated(dataDir, "argo-rollouts", apiServer, p.argoRollouts, []string{
		"--kubeconfig=" + c.kubeconfig,
		"--leader-elect=false",
		"--loglevel=info",
	}, nil)
}

// Kyverno's namespace and identities, as its Helm chart names them; the controllers only use the
// names (they run with the admin kubeconfig here).
const kyvernoNamespace = "kyverno"

// startKyverno runs Kyverno's admission controller with its webhooks registered by URL on
// 127.0.0.1 (`--serverIP`, Kyverno's out-of-cluster mode: the certificate it generates then has an
// IP SAN), and its reports controller, whose background scans write the PolicyReports.
// Flags and environment follow Kyverno v1.19.1's DEVELOPMENT.md and .vscode/launch.json.
func (c *clients) startKyverno(ctx context.Context, procs *children, dataDir string, p producers, ports ports) error {
	ns := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": kyvernoNamespace},
	}}
	if err := c.apply(ctx, ns); err != nil {
		return err
	}
	// In out-of-cluster mode Kyverno leaves its webhook configurations behind when it stops; from
	// a previous run they would send admission requests to a port nobody listens on yet.
	if err := c.deleteKyvernoWebhooks(ctx); err != nil {
		return err
	}
	env := func(serviceAccount string) []string {
		return []string{
			"KYVERNO_NAMESPACE=" + kyvernoNamespace,
			"KYVERNO_SERVICEACCOUNT_NAME=" + serviceAccount,
			"KYVERNO_DEPLOYMENT=" + serviceAccount,
			"KYVERNO_POD_NAME=" + serviceAccount + "-test-cluster",
			"INIT_CONFIG=kyverno",
			"METRICS_CONFIG=kyverno-metrics",
		}
	}
	webhook := fmt.Sprintf("127.0.0.1:%d", ports.KyvernoWebhook)
	err := procs.startExec(dataDir, "kyverno", filepath.Join(p.kyvernoDir, "kyverno"), []string{
		"--kubeconfig=" + c.kubeconfig,
		"--serverIP=" + webhook,
		"--webhookServerHost=127.0.0.1",
		fmt.Sprintf("--webhookServerPort=%d", ports.KyvernoWebhook),
		"--caSecretName=kyverno-svc.kyverno.svc.kyverno-tls-ca",
		"--tlsSecretName=kyverno-svc.kyverno.svc.kyverno-tls-pair",
		"--metricsHost=127.0.0.1",
		fmt.Sprintf("--metricsPort=%d", ports.KyvernoMetrics),
		"--controllerRuntimeMetricsAddress=0",
		"--backgroundServiceAccountName=system:serviceaccount:kyverno:kyverno-background-controller",
		"--reportsServiceAccountName=system:serviceaccount:kyverno:kyverno-reports-controller",
	}, env("kyverno-admission-controller"), 0)
	if err != nil {
		return err
	}
	return procs.startExec(dataDir, "kyverno-reports-controller", filepath.Join(p.kyvernoDir, "reports-controller"), []string{
		"--kubeconfig=" + c.kubeconfig,
		"--metricsHost=127.0.0.1",
		fmt.Sprintf("--metricsPort=%d", ports.KyvernoReportsMetrics),
		// wgpolicyk8s.io PolicyReports, Kyverno's default (openreports.io with --openreportsEnabled).
		"--backgroundScanInterval=30s",
	}, env("kyverno-reports-controller"), 0)
}

func (c *clients) deleteKyvernoWebhooks(ctx context.Context) error {
	for _, resource := range []string{"validatingwebhookconfigurations", "mutatingwebhookconfigurations"} {
		gvr := schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: resource}
		err := c.dynamic.Resource(gvr).DeleteCollection(ctx, metav1.DeleteOptions{},
			metav1.ListOptions{LabelSelector: "webhook.kyverno.io/managed-by=kyverno"})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting Kyverno's old webhooks: %w", err)
		}
	}
	return nil
}

// waitKyvernoWebhook waits until Kyverno has registered its webhooks and its webhook server
// answers TLS with the certificate it generated (the registration comes first, and a request in
// between fails with a TLS error), so what is applied next goes through admission.
func (c *clients) waitKyvernoWebhook(ctx context.Context, ports ports, timeout time.Duration) error {
	gvr := schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"}
	address := fmt.Sprintf("127.0.0.1:%d", ports.KyvernoWebhook)
	deadline := time.Now().Add(timeout)
	for {
		list, err := c.dynamic.Resource(gvr).List(ctx, metav1.ListOptions{LabelSelector: "webhook.kyverno.io/managed-by=kyverno"})
		if err == nil && len(list.Items) > 0 {
			// Kyverno's webhooks trust its own CA; checking the handshake is enough here.
			conn, err := tls.DialWithDialer(&net.Dialer{Timeout: time.Second}, "tcp", address, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec
			if err == nil {
				return conn.Close()
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("Kyverno's webhook is not serving after %s (see kyverno.log)", timeout)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
