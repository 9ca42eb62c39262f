import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import {
  ApiextensionsV1Api,
  KubeConfig,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  CoreV1Api,
} from '@kubernetes/client-node';
import { EntityPosture } from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  recordOnlineBoutique,
  startOnlineBoutiqueCluster,
} from '@zero-trust-k8s/online-boutique-demo';
import { TestCluster } from '@zero-trust-k8s/test-cluster';
import {
  DEMO_SNAPSHOT,
  boutiqueEntities,
} from '../__testUtils__/boutiqueCatalog';
import { eventually } from '../__testUtils__/FakeApiServer';
import { ClusterRegistry } from '../service/ClusterRegistry';
import { PostureService } from '../service/PostureService';
import {
  DEFAULT_LIVE_CLUSTER_OPTIONS,
  LiveClusterOptions,
  LiveClusterSource,
} from '../sources/LiveClusterSource';
import { SnapshotClusterSource } from '../sources/SnapshotClusterSource';

jest.setTimeout(240_000);

const fast: LiveClusterOptions = {
  ...DEFAULT_LIVE_CLUSTER_OPTIONS,
  requestTimeoutMs: 2_000,
  initialBackoffMs: 100,
  maxBackoffMs: 500,
  recheckMs: 500,
};

const CONTROLS = [
  'mtls',
  'authorization',
  'segmentation',
  'admission',
  'sbom',
  'vulnerabilities',
  'rollout',
  'gitops',
  'secrets',
  'runtime',
  'identity',
  'provenance',
  'flows',
  'cis',
];

// examples/online-boutique/README.md, "Deliberate findings": everything else passes, or has
// nothing to judge (n/a: no Rollout, no ExternalSecret), or no producer (n/i: not installed, no
// Hubble Relay).
const EXPECTED = `
service                mtls authorization segmentation admission sbom vulnerabilities rollout gitops secrets runtime identity provenance flows cis
adservice              pass pass          pass         fail      pass warn            n/a     pass   n/a     warn    pass fail       n/i   warn
cartservice            pass pass          pass         pass      pass pass            n/a     pass   pass    pass    pass fail       n/i   warn
checkoutservice        pass pass          pass         pass      warn warn            pass    pass   n/a     pass    pass fail       n/i   warn
currencyservice        pass warn          pass         pass      pass warn            n/a     fail   n/a     pass    pass fail       n/i   warn
emailservice           pass pass          pass         pass      pass warn            n/a     pass   pass    pass    pass fail       n/i   warn
frontend               warn pass          pass         fail      pass pass            n/a     pass   n/a     pass    pass fail       n/i   warn
loadgenerator          pass fail          pass         fail      pass warn            n/a     warn   n/a     pass    pass fail       n/i   warn
paymentservice         pass pass          pass         pass      pass warn            n/a     pass   fail    pass    pass fail       n/i   warn
productcatalogservice  pass warn          pass         pass      pass pass            n/a     pass   n/a     pass    pass fail       n/i   warn
recommendationservice  pass pass          pass         pass      pass warn            n/a     pass   n/a     pass    fail fail       n/i   warn
shippingservice        pass pass          pass         pass      pass pass            n/a     pass   n/a     pass    pass fail       n/i   warn
`;

const entities = boutiqueEntities();
const services = entities.filter(e => e.kind === 'Component');
const catalog = catalogServiceMock({ entities });
const credentials = mockCredentials.user();

/** Status of every control of every service, as `service: control=status …` lines. */
async function statusTable(
  posture: PostureService,
): Promise<Record<string, Record<string, string>>> {
  const table: Record<string, Record<string, string>> = {};
  for (const entity of services) {
    const result: EntityPosture = await posture.postureOf(entity, credentials);
    table[entity.metadata.name] = Object.fromEntries(
      result.controls.map(c => [c.control, c.status]),
    );
  }
  return table;
}

async function started(source: LiveClusterSource): Promise<LiveClusterSource> {
  await source.start();
  await eventually(() => {
    expect(source.health().kinds?.some(k => k.state === 'pending')).toBe(false);
  }, 60_000);
  return source;
}

// The Online Boutique state as the real producers write it (controllers, scheduler, KWOK, Kyverno,
// Argo Rollouts; see packages/online-boutique-demo), read as the examples/rbac ServiceAccount
// (get/list/watch on the watched kinds only) through the same informers the backend runs.
describe('the backend against a real API server', () => {
  let testCluster: TestCluster | undefined;
  const cluster = () => testCluster!;
  let live: LiveClusterSource;
  let kc: KubeConfig;
  const sources: LiveClusterSource[] = [];

  beforeAll(async () => {
    testCluster = await startOnlineBoutiqueCluster();
    await recordOnlineBoutique(testCluster);
    kc = await cluster().kubeConfigFor('backstage', 'zero-trust-backstage');
    live = await started(new LiveClusterSource('demo', kc, fast));
    sources.push(live);
  }, 15 * 60_000);

  afterAll(async () => {
    await Promise.all(sources.map(s => s.stop()));
    await testCluster?.dispose();
  });

  it('syncs every watched kind with the least-privilege ServiceAccount', () => {
    const health = live.health();
    expect(health.errors).toEqual([]);
    expect(health.healthy).toBe(true);
    expect(
      health
        .kinds!.filter(k => k.state !== 'synced')
        .map(k => `${k.kind}: ${k.state}`),
    ).toEqual([]);
  });

  it('evaluates every control of every service as the demo README lists its findings', async () => {
    const table = await statusTable(
      new PostureService(new ClusterRegistry([live]), catalog),
    );
    const rows = EXPECTED.trim()
      .split('\n')
      .slice(1)
      .map(line => line.trim().split(/\s+/));
    const expected = Object.fromEntries(
      rows.map(([name, ...statuses]) => [
        name,
        Object.fromEntries(
          CONTROLS.map((c, i) => [
            c,
            (
              { 'n/a': 'not-applicable', 'n/i': 'not-installed' } as Record<
                string,
                string
              >
            )[statuses[i]] ?? statuses[i],
          ]),
        ),
      ]),
    );
    expect(table).toEqual(expected);
  });

  it('computes the same posture from the live cluster as from the recorded snapshot', async () => {
    const fromLive = await statusTable(
      new PostureService(new ClusterRegistry([live]), catalog),
    );
    const snapshot = SnapshotClusterSource.fromDirectory('demo', DEMO_SNAPSHOT);
    const fromSnapshot = await statusTable(
      new PostureService(new ClusterRegistry([snapshot]), catalog),
    );
    expect(fromLive).toEqual(fromSnapshot);
    expect(Object.keys(fromLive)).toHaveLength(11);
  });

  it('serves the cached objects while the API server is down, then syncs changes after it is back', async () => {
    const posture = new PostureService(new ClusterRegistry([live]), catalog);
    const cart = services.find(
      e => e.metadata.name === 'cartservice',
    ) as Entity;
    const before = await posture.postureOf(cart, credentials);

    await cluster().stop();
    await eventually(() => {
      expect(live.health().healthy).toBe(false);
    }, 30_000);
    const whileDown = await posture.postureOf(cart, credentials);
    expect(whileDown.controls.map(c => c.status)).toEqual(
      before.controls.map(c => c.status),
    );

    await cluster().restart();
    // A change made after the restart reaches the cache through the renewed watch.
    const admin = cluster().kubeConfig();
    await admin.makeApiClient(NetworkingV1Api).createNamespacedNetworkPolicy({
      namespace: 'online-boutique',
      body: {
        metadata: { name: 'after-restart' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
    });
    await eventually(() => {
      expect(live.health().healthy).toBe(true);
      expect(
        live
          .objects('networking.k8s.io', 'NetworkPolicy', 'online-boutique')
          .map(o => o.metadata.name),
      ).toContain('after-restart');
    }, 60_000);
  });

  it('reports a kind it may not read as forbidden, and the others still sync', async () => {
    const admin = cluster().kubeConfig();
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    const core = admin.makeApiClient(CoreV1Api);
    // The reader role minus PeerAuthentications.
    const role = await rbac.readClusterRole({
      name: 'zero-trust-backstage-reader',
    });
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'zt-limited' },
        rules: role.rules!.map(r =>
          r.apiGroups?.includes('security.istio.io')
            ? {
                ...r,
                resources: r.resources!.filter(
                  x => x !== 'peerauthentications',
                ),
              }
            : r,
        ),
      },
    });
    await core.createNamespacedServiceAccount({
      namespace: 'backstage',
      body: { metadata: { name: 'zt-limited' } },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'zt-limited' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'zt-limited',
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'zt-limited',
            namespace: 'backstage',
          },
        ],
      },
    });
    const limited = await started(
      new LiveClusterSource(
        'limited',
        await cluster().kubeConfigFor('backstage', 'zt-limited'),
        fast,
      ),
    );
    sources.push(limited);
    const states = Object.fromEntries(
      limited.health().kinds!.map(k => [k.kind, k.state]),
    );
    expect(states.PeerAuthentication).toBe('forbidden');
    expect(states.AuthorizationPolicy).toBe('synced');
    expect(states.Pod).toBe('synced');
    const posture = new PostureService(new ClusterRegistry([limited]), catalog);
    const cart = services.find(
      e => e.metadata.name === 'cartservice',
    ) as Entity;
    const mtls = (await posture.postureOf(cart, credentials)).controls.find(
      c => c.control === 'mtls',
    )!;
    expect(mtls.status).toBe('forbidden');
  });

  it('reports a kind whose CRD is removed as not installed', async () => {
    const admin = cluster().kubeConfig();
    await admin
      .makeApiClient(ApiextensionsV1Api)
      .deleteCustomResourceDefinition({
        name: 'ciliumnetworkpolicies.cilium.io',
      });
    await eventually(() => {
      const kind = live
        .health()
        .kinds!.find(k => k.kind === 'CiliumNetworkPolicy')!;
      expect(kind.state).toBe('not-installed');
    }, 60_000);
    const other = live.health().kinds!.find(k => k.kind === 'NetworkPolicy')!;
    expect(other.state).toBe('synced');
  });
});
