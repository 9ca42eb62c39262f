/*
 * Benchmark (not a test): one component's posture from the Zero Trust backend against Backstage's
 * kubernetes backend (`POST /api/kubernetes/services/{entity}`, Rollouts as custom resources) for
 * the same entity, and one raw LIST, in the same run, on a real kube-apiserver loaded with a
 * synthetic large cluster.
 *
 *   yarn workspace @zero-trust-k8s/plugin-zero-trust-backend bench [pods] [sboms]
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { TestCluster } from '@zero-trust-k8s/test-cluster';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { ClusterRegistry } from '../src/service/ClusterRegistry';
import { PostureService } from '../src/service/PostureService';
import { LiveClusterSource } from '../src/sources/LiveClusterSource';

const PODS = Number(process.argv[2] ?? 5000);
const SBOMS = Number(process.argv[3] ?? 500);
const PODS_PER_APP = 10;
const RESULTS_PER_REPORT = 100; // 500 reports → 50k results
const COMPONENTS_PER_SBOM = 100;
const NS = 'bench';
const ROUNDS = 50;

const apps = Math.ceil(PODS / PODS_PER_APP);
const entity = (i: number) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: `svc-${i}`,
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': `svc-${i}`,
      'backstage.io/kubernetes-namespace': NS,
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team',
    lifecycle: 'production',
  },
});

function syntheticObjects(): KubernetesObject[] {
  const objects: any[] = [];
  for (let a = 0; a < apps; a++) {
    const app = `svc-${a}`;
    const labels = { app, 'backstage.io/kubernetes-id': app };
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${app}-0`, namespace: NS, labels },
      spec: {
        containers: [{ name: 'server', image: `registry.test/${app}:1.0` }],
      },
    });
    for (let p = 1; p < PODS_PER_APP; p++) {
      objects.push({
        ...objects[objects.length - 1],
        metadata: { name: `${app}-${p}`, namespace: NS, labels },
      });
    }
    if (a < SBOMS) {
      const trivy = {
        'trivy-operator.resource.kind': 'Pod',
        'trivy-operator.resource.name': `${app}-0`,
        'trivy-operator.resource.namespace': NS,
        'trivy-operator.container.name': 'server',
      };
      objects.push({
        apiVersion: 'aquasecurity.github.io/v1alpha1',
        kind: 'SbomReport',
        metadata: { name: `pod-${app}-server`, namespace: NS, labels: trivy },
        report: {
          scanner: {
            name: 'Trivy',
            vendor: 'Aqua Security',
            version: '0.58.2',
          },
          registry: { server: 'registry.test' },
          artifact: { repository: app, tag: '1.0' },
          summary: {
            componentsCount: COMPONENTS_PER_SBOM,
            dependenciesCount: 0,
          },
          updateTimestamp: '2026-12-01T00:00:00Z',
          components: {
            bomFormat: 'CycloneDX',
            specVersion: '1.5',
            version: 1,
            components: Array.from({ length: COMPONENTS_PER_SBOM }, (_, c) => ({
              'bom-ref': `pkg:npm/lib-${c}@1.0.${c}`,
              type: 'library',
              name: `lib-${c}`,
              version: `1.0.${c}`,
              purl: `pkg:npm/lib-${c}@1.0.${c}`,
              licenses: [{ license: { id: 'MIT' } }],
            })),
          },
        },
      });
      objects.push({
        apiVersion: 'wgpolicyk8s.io/v1alpha2',
        kind: 'PolicyReport',
        metadata: { name: `pol-${app}`, namespace: NS },
        scope: {
          apiVersion: 'v1',
          kind: 'Pod',
          name: `${app}-0`,
          namespace: NS,
        },
        summary: { pass: RESULTS_PER_REPORT },
        results: Array.from({ length: RESULTS_PER_REPORT }, (_, r) => ({
          policy: `policy-${r % 10}`,
          rule: `rule-${r}`,
          result: 'pass',
          source: 'kyverno',
          scored: true,
        })),
      });
    }
  }
  return objects;
}

async function load(kc: KubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  // No controller manager runs in the harness: create the ServiceAccount pods default to.
  await core.createNamespacedServiceAccount({
    namespace: NS,
    body: { metadata: { name: 'default' } },
  });
  const client = KubernetesObjectApi.makeApiClient(kc);
  const objects = syntheticObjects();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < objects.length) {
        await client.create(objects[next++]);
      }
    }),
  );
  return objects.length;
}

/** The API server's own count of requests it served (all verbs), from /metrics. */
async function apiserverRequests(kc: KubeConfig): Promise<number> {
  const cluster = kc.getCurrentCluster()!;
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const text = await new Promise<string>((resolve, reject) => {
    https
      .get(`${cluster.server}/metrics`, opts, res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  return text
    .split('\n')
    .filter(l => l.startsWith('apiserver_request_total{'))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
};

async function measure(
  kc: KubeConfig,
  run: () => Promise<unknown>,
): Promise<{ p50: number; p95: number; requestsPerView: number }> {
  const samples: number[] = [];
  const before = await apiserverRequests(kc);
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  // Each /metrics read is one request itself.
  const requests = Math.max(0, (await apiserverRequests(kc)) - before - 1);
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    requestsPerView: requests / ROUNDS,
  };
}

async function main() {
  const cluster = await TestCluster.start();
  try {
    const kc = cluster.kubeConfig();
    let start = performance.now();
    const count = await load(kc);
    console.log(
      `loaded ${count} objects (${PODS} pods, ${SBOMS} SbomReports of ${COMPONENTS_PER_SBOM} components, ${
        SBOMS * RESULTS_PER_REPORT
      } policy results) in ${((performance.now() - start) / 1000).toFixed(
        1,
      )} s`,
    );
    const target = entity(7);
    const catalog = catalogServiceMock({ entities: [target] });
    const credentials = mockCredentials.user();

    // Zero Trust backend: cold = informers list everything, then the first posture.
    const rssBefore = process.memoryUsage().rss;
    start = performance.now();
    const source = new LiveClusterSource('bench', kc);
    const registry = new ClusterRegistry([source]);
    await registry.start();
    while (source.health().kinds!.some(k => k.state === 'pending')) {
      await new Promise(r => setTimeout(r, 20));
    }
    const posture = new PostureService(registry, catalog);
    const first = await posture.postureOf(target, credentials);
    const cold = performance.now() - start;
    const rss = process.memoryUsage().rss - rssBefore;
    const ours = await measure(kc, () =>
      posture.postureOf(target, credentials),
    );

    // Backstage's kubernetes backend, same cluster and entity, Rollouts as custom resources.
    const token = await cluster
      .tokenFor('kube-system', 'default')
      .catch(() => undefined);
    const { server } = await startTestBackend({
      features: [
        import('@backstage/plugin-kubernetes-backend'),
        catalogServiceMock.factory({ entities: [target] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'bench',
                      url: kc.getCurrentCluster()!.server,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: kc.getCurrentUser()?.token ?? token,
                      caData: kc.getCurrentCluster()!.caData,
                      skipTLSVerify: !kc.getCurrentCluster()!.caData,
                    },
                  ],
                },
              ],
              customResources: [
                {
                  group: 'argoproj.io',
                  apiVersion: 'v1alpha1',
                  plural: 'rollouts',
                },
              ],
            },
          },
        }),
      ],
    });
    const theirs = await measure(kc, async () => {
      const res = await request(server)
        .post(`/api/kubernetes/services/${target.metadata.name}`)
        .set('Authorization', mockCredentials.user.header())
        .send({ entity: target });
      if (res.status !== 200)
        throw new Error(`kubernetes backend: ${res.status} ${res.text}`);
    });

    const raw = await measure(kc, () =>
      kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS }),
    );

    const row = (
      name: string,
      m: { p50: number; p95: number; requestsPerView: number },
    ) =>
      `${name.padEnd(44)}${m.p50.toFixed(1).padStart(9)} ms${m.p95
        .toFixed(1)
        .padStart(9)} ms${m.requestsPerView.toFixed(1).padStart(10)}`;
    console.log(
      `\none component (${PODS_PER_APP} pods, ${first.controls.length} controls) out of ${apps}, ${ROUNDS} page views each\n`,
    );
    console.log(
      `${''.padEnd(44)}${'p50'.padStart(12)}${'p95'.padStart(
        12,
      )}${'API req/view'.padStart(14)}`,
    );
    console.log(row('zero-trust posture (warm)', ours));
    console.log(row('kubernetes backend /services/{entity}', theirs));
    console.log(row(`raw LIST pods in ${NS}`, raw));
    console.log(
      `\nzero-trust cold start (list every kind + first posture): ${(
        cold / 1000
      ).toFixed(2)} s, RSS +${(rss / 2 ** 20).toFixed(0)} MiB`,
    );
    console.log(
      `ratios: kubernetes backend / zero-trust p50 ${(
        theirs.p50 / ours.p50
      ).toFixed(1)}x, p95 ${(theirs.p95 / ours.p95).toFixed(
        1,
      )}x; raw LIST / zero-trust p50 ${(raw.p50 / ours.p50).toFixed(1)}x`,
    );
    await registry.stop();
  } finally {
    await cluster.dispose();
  }
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
