import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ZERO_TRUST_CONTROLS,
  scoreControls,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import request from 'supertest';
import { zeroTrustPlugin } from './plugin';
import {
  ClusterSource,
  KubeObject,
  ZeroTrustCollector,
  zeroTrustCollectorsExtensionPoint,
  zeroTrustEvidenceSourcesExtensionPoint,
} from './index';

// What a team's module does with our extension points: an inventory of its own as an evidence
// source, and a control of its own ("signed-images") that reads a kind of its own from it.

const SIGNATURE = {
  group: 'inventory.example.com',
  version: 'v1',
  plural: 'imagesignatures',
  kind: 'ImageSignature',
  namespaced: true,
  usedBy: 'signed-images',
};

function object(
  apiVersion: string,
  kind: string,
  name: string,
  extra: Partial<KubeObject> & { labels?: Record<string, string> } = {},
): KubeObject {
  const { labels, ...rest } = extra;
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels },
    ...rest,
  };
}

/** An evidence source of the adopter's own: objects from an inventory, held in memory. */
function inventorySource(objects: KubeObject[]): ClusterSource {
  const group = (o: KubeObject) =>
    o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return {
    name: 'inventory',
    type: 'snapshot',
    objects: (g, kind, namespace) =>
      objects.filter(
        o =>
          group(o) === g &&
          o.kind === kind &&
          (!namespace || o.metadata.namespace === namespace),
      ),
    kindStatus: () => ({ state: 'synced' }),
    health: () => ({
      name: 'inventory',
      source: 'snapshot',
      healthy: true,
      errors: [],
    }),
    start: async () => {},
    stop: async () => {},
  };
}

const signedImages: ZeroTrustCollector = {
  control: {
    id: 'signed-images',
    title: 'Signed images',
    description: 'Every pod has an ImageSignature in the inventory.',
  },
  kinds: [SIGNATURE],
  collect({ workloads, now }) {
    const pods = workloads.flatMap(w => w.pods.map(pod => ({ w, pod })));
    const unsigned = pods.filter(
      ({ w, pod }) =>
        !w.cluster
          .objects(SIGNATURE.group, SIGNATURE.kind, pod.metadata.namespace)
          .some(s => (s as any).spec?.pod === pod.metadata.name),
    );
    return {
      status: unsigned.length ? 'fail' : 'pass',
      summary: unsigned.length
        ? `${unsigned.length} pod(s) run unsigned images.`
        : 'Every pod runs signed images.',
      details: { unsigned: unsigned.map(u => u.pod.metadata.name) },
      evidence: pods.map(({ w, pod }) => ({
        cluster: w.cluster.name,
        apiVersion: pod.apiVersion,
        kind: pod.kind,
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        observedAt: now,
      })),
    };
  },
};

const component = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': name },
  },
  spec: { type: 'service', owner: 'group:shop', lifecycle: 'production' },
  relations: [{ type: 'partOf', targetRef: 'system:default/shop' }],
});

const system = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { owner: 'group:shop' },
  relations: [
    { type: 'hasPart', targetRef: 'component:default/cart' },
    { type: 'hasPart', targetRef: 'component:default/checkout' },
  ],
};

const pod = (app: string) =>
  object('v1', 'Pod', `${app}-0`, {
    labels: { 'backstage.io/kubernetes-id': app },
  });

async function startBackend(collectors: ZeroTrustCollector[]) {
  const { server } = await startTestBackend({
    features: [
      zeroTrustPlugin,
      createBackendModule({
        pluginId: 'zero-trust',
        moduleId: 'inventory',
        register(env) {
          env.registerInit({
            deps: {
              collectorPoint: zeroTrustCollectorsExtensionPoint,
              sources: zeroTrustEvidenceSourcesExtensionPoint,
            },
            async init({ collectorPoint, sources }) {
              sources.addClusterSource(
                inventorySource([
                  pod('cart'),
                  pod('checkout'),
                  object(
                    'inventory.example.com/v1',
                    'ImageSignature',
                    'cart-0',
                    { spec: { pod: 'cart-0' } },
                  ),
                ]),
              );
              collectors.forEach(c => collectorPoint.addCollector(c));
            },
          });
        },
      }),
      catalogServiceMock.factory({
        entities: [component('cart'), component('checkout'), system],
      }),
      mockServices.rootConfig.factory({ data: {} }),
    ],
  });
  return server;
}

async function posture(server: Parameters<typeof request>[0], ref: string) {
  const res = await request(server)
    .get(`/api/zero-trust/v1/entities/${ref}/posture`)
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  return res.body;
}

describe('extension points', () => {
  it('a module’s evidence source and collector add a control to every posture, after the built-in ones, in the score and the System', async () => {
    const server = await startBackend([signedImages]);

    const cart = await posture(server, 'component/default/cart');
    expect(cart.controls.map((c: any) => c.control)).toEqual([
      ...ZERO_TRUST_CONTROLS.map(c => c.id),
      'signed-images',
    ]);
    const signed = (p: any) =>
      p.controls.find((c: any) => c.control === 'signed-images');
    expect(signed(cart)).toMatchObject({
      title: 'Signed images',
      status: 'pass',
      evidence: [{ cluster: 'inventory', kind: 'Pod', name: 'cart-0' }],
    });
    expect(cart.score).toBe(scoreControls(cart.controls));

    const checkout = await posture(server, 'component/default/checkout');
    expect(signed(checkout)).toMatchObject({
      status: 'fail',
      summary: '1 pod(s) run unsigned images.',
      details: { unsigned: ['checkout-0'] },
    });
    // A failing control of the team's own caps the score like a built-in one.
    expect(checkout.score).toBeLessThanOrEqual(59);

    // MCP clients can ask about it like a built-in control.
    const explained = await request(server)
      .post(
        '/api/zero-trust/.backstage/actions/v1/actions/zero-trust:explain-control/invoke',
      )
      .set('Authorization', mockCredentials.user.header())
      .send({ entityRef: 'checkout', control: 'signed-images' });
    expect(explained.status).toBe(200);
    expect(explained.body.output).toMatchObject({
      title: 'Signed images',
      checks: 'Every pod has an ImageSignature in the inventory.',
      weight: 1,
      status: 'fail',
    });

    const shop = await posture(server, 'system/default/shop');
    expect(signed(shop)).toMatchObject({
      title: 'Signed images',
      status: 'fail',
    });
    expect(signed(shop).summary).toBe(
      '1 fail, 1 pass of 2 components; fail: checkout.',
    );
  });

  it('a collector with a built-in id replaces that collector; one that throws gives unknown with the reason', async () => {
    const server = await startBackend([
      {
        control: { id: 'runtime' },
        collect: () => ({
          status: 'warn',
          summary: 'Judged by our own runtime sensor.',
          evidence: [],
        }),
      },
      {
        control: { id: 'broken-check', title: 'Broken check' },
        collect: () => {
          throw new Error('inventory schema changed');
        },
      },
    ]);
    const cart = await posture(server, 'component/default/cart');
    const byId = Object.fromEntries(
      cart.controls.map((c: any) => [c.control, c]),
    );
    expect(byId.runtime).toMatchObject({
      status: 'warn',
      summary: 'Judged by our own runtime sensor.',
    });
    expect(byId.runtime.title).toBeUndefined();
    expect(byId['broken-check']).toMatchObject({
      title: 'Broken check',
      status: 'unknown',
      summary: 'Could not evaluate: inventory schema changed',
    });
  });

  it('refuses a collector whose id is not lower-case words joined by dashes, at startup', async () => {
    await expect(
      startBackend([
        {
          control: { id: '../Signed Images' },
          collect: () => ({ status: 'pass', summary: '', evidence: [] }),
        },
      ]),
    ).rejects.toThrow(
      /control id must be lower-case words joined by dashes.*"\.\.\/Signed Images"/,
    );
  });
});
