import path from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  V1Pod,
} from '@kubernetes/client-node';
import { WATCHED_KINDS } from '@zero-trust-k8s/plugin-zero-trust-common';
import { zeroTrustKyvernoPolicies } from '@zero-trust-k8s/plugin-zero-trust-node';
import {
  TestCluster,
  eventually,
  kubeRequest,
} from '@zero-trust-k8s/test-cluster';
import { falcoReadSensitiveFile } from './falcosidekick';
import { kubeBenchReport } from './kubeBench';
import { EXAMPLE_DIR, RBAC_DIR } from './paths';
import { loadScans, trivyReports } from './trivyOperator';

/** The namespaces the demo's desired state creates; the recording keeps what is in them. */
export const DEMO_NAMESPACES = [
  'online-boutique',
  'loadgenerator',
  'istio-system',
  'argocd',
  'kyverno',
  'falco',
  'external-secrets',
] as const;

const SHOP_NAMESPACES = ['online-boutique', 'loadgenerator'];
/** The canary the demo shows in progress: checkoutservice's next release. */
const CANARY_IMAGE =
  'us-central1-docker.pkg.dev/google-samples/microservices-demo/checkoutservice:v0.10.4';
const FIELD_MANAGER = 'online-boutique-demo';

type Log = (message: string) => void;

/**
 * Starts the test cluster with its real producers (controllers, scheduler, KWOK, Kyverno, Argo
 * Rollouts) and the demo's desired state: the backend's RBAC, the engine's Kyverno ClusterPolicies
 * in Audit mode (so the deliberate violations are admitted and reported rather than denied), then
 * examples/online-boutique/config.
 */
export async function startOnlineBoutiqueCluster(
  options: { dataDir?: string } = {},
): Promise<TestCluster> {
  const cluster = await TestCluster.start({
    dataDir: options.dataDir,
    producers: ['kwok', 'kyverno', 'argo-rollouts'],
    apply: [RBAC_DIR, path.join(EXAMPLE_DIR, 'config')],
  });
  // Kyverno's background scan reports on what exists already, so the policies may come last.
  for (const policy of zeroTrustKyvernoPolicies({ failureAction: 'Audit' })) {
    await cluster.apply(policy as KubernetesObject, FIELD_MANAGER);
  }
  return cluster;
}

/**
 * Lets the producers bring the demo to the state it shows, adds the reports of the producers that
 * cannot run here (Trivy Operator, falcosidekick, the kube-bench adapter), and returns every object the backend reads in
 * the demo's namespaces, as the API server returns them (managed fields left out).
 */
export async function recordOnlineBoutique(
  cluster: TestCluster,
  log: Log = () => {},
): Promise<KubernetesObject[]> {
  const kc = cluster.kubeConfig();
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);

  log('waiting for every Deployment and StatefulSet to be available');
  await eventually(
    'available workloads',
    async () => {
      const deployments = (await apps.listDeploymentForAllNamespaces()).items;
      const sets = (await apps.listStatefulSetForAllNamespaces()).items;
      const pending = [...deployments, ...sets].filter(
        w =>
          SHOP_NAMESPACES.includes(w.metadata!.namespace!) &&
          (w.status?.readyReplicas ?? 0) < (w.spec?.replicas ?? 1),
      );
      return pending.length === 0 ? true : undefined;
    },
    180_000,
  );

  log('releasing checkoutservice as a canary');
  const rollout = () =>
    custom.getNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'online-boutique',
      plural: 'rollouts',
      name: 'checkoutservice',
    }) as Promise<{ status?: Record<string, any> }>;
  await eventually(
    'checkoutservice Healthy',
    async () =>
      (await rollout()).status?.phase === 'Healthy' ? true : undefined,
    180_000,
  );
  await cluster.apply(
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'checkoutservice', namespace: 'online-boutique' },
      spec: {
        template: {
          spec: { containers: [{ name: 'server', image: CANARY_IMAGE }] },
        },
      },
    } as KubernetesObject,
    FIELD_MANAGER,
  );
  await eventually(
    'the canary paused at its first step with a running analysis',
    async () => {
      const status = (await rollout()).status;
      const runs = (
        (await custom.listNamespacedCustomObject({
          group: 'argoproj.io',
          version: 'v1alpha1',
          namespace: 'online-boutique',
          plural: 'analysisruns',
        })) as { items: { status?: { metricResults?: any[] } }[] }
      ).items;
      const measured = runs.some(r =>
        r.status?.metricResults?.some(m => (m.successful ?? 0) >= 2),
      );
      return status?.phase === 'Paused' && measured ? true : undefined;
    },
    240_000,
  );

  log('waiting for Kyverno’s background scan to report on every pod');
  await eventually(
    'a PolicyReport for every pod',
    async () => {
      const pods = await shopPods(core);
      const reports = new Set(
        (
          (await custom.listClusterCustomObject({
            group: 'wgpolicyk8s.io',
            version: 'v1alpha2',
            plural: 'policyreports',
          })) as { items: KubernetesObject[] }
        ).items.map(r => r.metadata!.name),
      );
      return pods.every(p => reports.has(p.metadata!.uid!)) ? true : undefined;
    },
    240_000,
  );

  log('stamping the ExternalSecrets’ refresh with the recording time');
  await stampExternalSecretRefresh(kc, new Date());

  log(
    'adding the reports of Trivy Operator, falcosidekick and the kube-bench adapter',
  );
  const scans = loadScans(path.join(EXAMPLE_DIR, 'scans'));
  const replicaSets = (
    await apps.listReplicaSetForAllNamespaces()
  ).items.filter(
    rs =>
      SHOP_NAMESPACES.includes(rs.metadata!.namespace!) &&
      (rs.status?.replicas ?? 0) > 0,
  );
  const adservice = (await shopPods(core)).find(
    p => p.metadata!.labels?.app === 'adservice',
  )!;
  const reports = [
    ...replicaSets.flatMap(rs =>
      trivyReports(
        {
          ...rs,
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
        } as KubernetesObject,
        scans,
      ),
    ),
    falcoReadSensitiveFile(adservice, new Date()),
    kubeBenchReport(),
  ];
  for (const report of reports) {
    await cluster.apply(report, FIELD_MANAGER);
  }

  log('dumping the cluster');
  return dumpCluster(kc);
}

/**
 * The External Secrets Operator cannot run here (its submodules are not served by the Go module
 * proxy), so the ExternalSecret statuses in config/ are written as its controller writes them
 * (external-secrets v1.3.2, pkg/controllers/externalsecret/externalsecret_controller.go). Its
 * periodic refresh (`spec.refreshInterval`) would move `status.refreshTime` on; the recording
 * stamps the time it was taken on the synced ones, so a live cluster built from it is not seen as
 * stuck (a failed sync leaves refreshTime as it was, as the controller's markAsFailed does).
 */
async function stampExternalSecretRefresh(kc: KubeConfig, at: Date) {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const { items } = (await custom.listClusterCustomObject({
    group: 'external-secrets.io',
    version: 'v1',
    plural: 'externalsecrets',
  })) as {
    items: (KubernetesObject & {
      status?: { conditions?: { type: string; status: string }[] };
    })[];
  };
  const synced = items.filter(es =>
    es.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True'),
  );
  for (const es of synced) {
    const { name, namespace } = es.metadata!;
    const response = await kubeRequest(
      kc,
      'PATCH',
      `/apis/external-secrets.io/v1/namespaces/${namespace}/externalsecrets/${name}/status?fieldManager=${FIELD_MANAGER}&force=true`,
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name, namespace },
        status: { refreshTime: at.toISOString().replace(/\.\d+Z$/, 'Z') },
      },
      'application/apply-patch+yaml',
    );
    if (response.status !== 200) {
      throw new Error(
        `online-boutique-demo: stamping ExternalSecret ${namespace}/${name}: ${response.status} ${response.body}`,
      );
    }
  }
}

async function shopPods(core: CoreV1Api): Promise<V1Pod[]> {
  return (await core.listPodForAllNamespaces()).items.filter(p =>
    SHOP_NAMESPACES.includes(p.metadata!.namespace!),
  );
}

/**
 * Every object of the kinds the backend reads that belongs to the demo, as the API server's JSON
 * (not client-node's typed models, which rename fields such as NetworkPolicy's `from`).
 */
export async function dumpCluster(kc: KubeConfig): Promise<KubernetesObject[]> {
  const objects: KubernetesObject[] = [];
  for (const kind of WATCHED_KINDS) {
    const apiVersion = kind.group ? `${kind.group}/${kind.version}` : 'v1';
    const base = kind.group ? `/apis/${apiVersion}` : '/api/v1';
    const response = await kubeRequest(kc, 'GET', `${base}/${kind.plural}`);
    if (response.status !== 200) {
      throw new Error(
        `online-boutique-demo: listing ${kind.plural}: ${response.status} ${response.body}`,
      );
    }
    const { items } = JSON.parse(response.body) as {
      items: KubernetesObject[];
    };
    for (const item of items) {
      if (!belongsToDemo(kind.kind, item)) {
        continue;
      }
      const { managedFields: _, ...metadata } = item.metadata!;
      objects.push({ apiVersion, kind: kind.kind, ...item, metadata });
    }
  }
  return objects;
}

function belongsToDemo(kind: string, item: KubernetesObject): boolean {
  const { name = '', namespace } = item.metadata ?? {};
  if (namespace) {
    return (DEMO_NAMESPACES as readonly string[]).includes(namespace);
  }
  if (kind === 'Namespace') {
    return (DEMO_NAMESPACES as readonly string[]).includes(name);
  }
  // Cluster-scoped: what the demo applied, and the default roles it binds to, not the API
  // server's own bootstrap RBAC.
  return !name.startsWith('system:') && !name.startsWith('kubeadm:');
}
