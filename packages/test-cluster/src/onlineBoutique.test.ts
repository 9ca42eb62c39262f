import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from '@kubernetes/client-node';
import { useTestCluster } from './jest';

jest.setTimeout(120_000);

// The recorded demo (examples/online-boutique/cluster) applied to a plain API server: the uids the
// recording cluster assigned are replaced by new ones everywhere, so the references still join.
// The README of examples/online-boutique lists these as the demo's deliberate findings.
describe('the Online Boutique cluster state', () => {
  // Startup fails (and so does every test here) if any object does not server-side apply.
  const cluster = useTestCluster({ onlineBoutique: true });
  const custom = () => cluster().kubeConfig().makeApiClient(CustomObjectsApi);
  const list = async (
    group: string,
    version: string,
    plural: string,
    namespace: string,
  ) =>
    (
      (await custom().listNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
      })) as {
        items: any[];
      }
    ).items;

  it('runs every service: pods Running, in an ambient and a sidecar namespace', async () => {
    const core = cluster().kubeConfig().makeApiClient(CoreV1Api);
    const pods = (
      await core.listPodForAllNamespaces({
        labelSelector: 'backstage.io/kubernetes-id',
      })
    ).items;
    const ids = new Set(
      pods.map(p => p.metadata!.labels!['backstage.io/kubernetes-id']),
    );
    expect(ids.size).toBe(12); // 11 services and redis-cart
    expect(pods.every(p => p.status?.phase === 'Running')).toBe(true);
    const owners = new Set(
      (
        await cluster()
          .kubeConfig()
          .makeApiClient(AppsV1Api)
          .listReplicaSetForAllNamespaces()
      ).items.map(rs => rs.metadata!.uid),
    );
    const statefulSetPods = pods.filter(
      p => p.metadata!.ownerReferences![0].kind === 'StatefulSet',
    );
    expect(statefulSetPods.map(p => p.metadata!.name)).toEqual([
      'redis-cart-0',
    ]);
    expect(
      pods
        .filter(p => !statefulSetPods.includes(p))
        .filter(p => !owners.has(p.metadata!.ownerReferences![0].uid))
        .map(p => p.metadata!.name),
    ).toEqual([]);
    const loadgen = pods.find(p => p.metadata!.namespace === 'loadgenerator')!;
    expect(loadgen.spec!.initContainers!.map(c => c.name)).toContain(
      'istio-proxy',
    );
    const ns = await core.readNamespace({ name: 'online-boutique' });
    expect(ns.metadata!.labels!['istio.io/dataplane-mode']).toBe('ambient');
  });

  it('holds the deliberate findings the demo shows', async () => {
    const reports = await list(
      'wgpolicyk8s.io',
      'v1alpha2',
      'policyreports',
      'online-boutique',
    );
    // Kyverno names a report after the uid of the resource it scopes.
    expect(
      reports.filter(r => r.scope).every(r => r.metadata.name === r.scope.uid),
    ).toBe(true);
    const failures = reports.flatMap(r =>
      (r.results ?? [])
        .filter((x: any) => x.result === 'fail')
        .map((x: any) => `${r.scope?.kind}/${r.scope?.name}:${x.policy}`),
    );
    expect(failures).toEqual(
      expect.arrayContaining([
        'Deployment/adservice:require-ro-rootfs',
        'Deployment/frontend:require-mtls-strict',
      ]),
    );
    const falco = reports.find(r => r.metadata.name === 'falco-policy-report');
    expect(falco.results.map((x: any) => [x.rule, x.result])).toEqual([
      ['Read sensitive file untrusted', 'warn'],
    ]);
    const loadgenReports = await list(
      'wgpolicyk8s.io',
      'v1alpha2',
      'policyreports',
      'loadgenerator',
    );
    expect(
      loadgenReports
        .find(r => r.scope.kind === 'Deployment')
        .results.filter((x: any) => x.result === 'fail')
        .map((x: any) => x.policy)
        .sort(),
    ).toEqual(['require-authorization-policy', 'require-run-as-nonroot']);

    const [rollout] = await list(
      'argoproj.io',
      'v1alpha1',
      'rollouts',
      'online-boutique',
    );
    expect(rollout.status.phase).toBe('Paused');
    expect(rollout.status.currentStepIndex).toBe(1);
    const [run] = await list(
      'argoproj.io',
      'v1alpha1',
      'analysisruns',
      'online-boutique',
    );
    expect(run.status.phase).toBe('Running');

    const apps = await list(
      'argoproj.io',
      'v1alpha1',
      'applications',
      'argocd',
    );
    expect(
      apps
        .filter(a => a.status.sync.status === 'OutOfSync')
        .map(a => a.metadata.name),
    ).toEqual(['online-boutique-security']);
    const secrets = await list(
      'external-secrets.io',
      'v1',
      'externalsecrets',
      'online-boutique',
    );
    expect(
      secrets
        .filter(s => s.status.conditions[0].reason === 'SecretSyncedError')
        .map(s => s.metadata.name),
    ).toEqual(['stripe-api-key']);

    const policies = await list(
      'security.istio.io',
      'v1',
      'authorizationpolicies',
      'online-boutique',
    );
    const principals = (name: string) =>
      policies.find(p => p.metadata.name === name).spec.rules[0].from[0].source
        .principals;
    expect(principals('currencyservice-allow-callers')).not.toContain(
      'cluster.local/ns/online-boutique/sa/checkoutservice',
    );
    expect(principals('productcatalogservice-allow-callers')).toContain(
      'cluster.local/ns/loadgenerator/sa/loadgenerator',
    );
    const sboms = await list(
      'aquasecurity.github.io',
      'v1alpha1',
      'sbomreports',
      'online-boutique',
    );
    // One per running image that Trivy scanned; the canary's new image has none.
    expect(sboms).toHaveLength(10);
    expect(
      sboms.every(s => s.report.components.bomFormat === 'CycloneDX'),
    ).toBe(true);
  });

  it('is readable by the backend ServiceAccount of examples/rbac', async () => {
    const kc = await cluster().kubeConfigFor(
      'backstage',
      'zero-trust-backstage',
    );
    const pods = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: 'online-boutique' });
    expect(pods.items.length).toBeGreaterThan(10);
  });
});
