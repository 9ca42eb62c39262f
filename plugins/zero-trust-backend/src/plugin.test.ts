import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ZERO_TRUST_CONTROLS } from '@zero-trust-k8s/plugin-zero-trust-common';
import request from 'supertest';
import path from 'node:path';

// eslint-disable-next-line no-restricted-syntax
const DEMO_SNAPSHOT = path.resolve(
  __dirname,
  '../../../examples/online-boutique/cluster',
);
import { zeroTrustPlugin } from './plugin';

const cartservice = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'cartservice',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'cartservice' },
  },
  spec: {
    type: 'service',
    owner: 'group:boutique-team',
    lifecycle: 'production',
  },
};

const adservice = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'adservice',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'adservice',
      'backstage.io/kubernetes-namespace': 'online-boutique',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:boutique-team',
    lifecycle: 'production',
  },
};

async function startBackend(
  options: {
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    zeroTrust?: object;
  } = {},
) {
  const { server } = await startTestBackend({
    features: [
      zeroTrustPlugin,
      catalogServiceMock.factory({ entities: [cartservice, adservice] }),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      mockServices.rootConfig.factory({
        data: {
          zeroTrust: options.zeroTrust,
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'prod',
                    url: 'https://127.0.0.1:1',
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'token',
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
  return server;
}

// Each test starts a backend that loads the demo snapshot: seconds on a loaded 2-core machine.
jest.setTimeout(60_000);

describe('zero-trust backend plugin', () => {
  it('answers the health route without credentials', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('rejects unauthenticated requests to protected routes with 401', async () => {
    const server = await startBackend();
    for (const route of [
      '/api/zero-trust/v1/clusters',
      '/api/zero-trust/v1/entities/component/default/cartservice/posture',
      '/api/zero-trust/v1/entities/component/default/cartservice/history',
    ]) {
      const res = await request(server)
        .get(route)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    }
  });

  it('returns a posture with every control for a visible entity', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/v1/entities/component/default/cartservice/posture')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.entityRef).toBe('component:default/cartservice');
    expect(
      res.body.controls.map((c: { control: string }) => c.control),
    ).toEqual(ZERO_TRUST_CONTROLS.map(c => c.id));
    // Nothing reads clusters yet: no control may claim a result it has no evidence for.
    expect(
      res.body.controls.every(
        (c: { status: string }) => c.status === 'unknown',
      ),
    ).toBe(true);
    expect(res.body.score).toBeUndefined();
  });

  it('answers 404 for an entity the caller cannot see', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/v1/entities/component/default/nope/posture')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(404);
  });

  it('answers 403 when the permission policy denies zero-trust.posture.read', async () => {
    const server = await startBackend({ permission: AuthorizeResult.DENY });
    for (const route of ['posture', 'history']) {
      const res = await request(server)
        .get(
          `/api/zero-trust/v1/entities/component/default/cartservice/${route}`,
        )
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(403);
    }
  });

  it('has no posture history with one replica (nothing is stored)', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/v1/entities/component/default/cartservice/history')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entityRef: 'component:default/cartservice',
      items: [],
    });
    const nope = await request(server)
      .get('/api/zero-trust/v1/entities/component/default/nope/history')
      .set('Authorization', mockCredentials.user.header());
    expect(nope.status).toBe(404);
  });

  it('rejects a malformed entity reference with 400', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/v1/entities/component/Bad_NS/cartservice/posture')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(400);
  });

  it('lists the clusters configured for the kubernetes plugin', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/v1/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { name: string }) => c.name)).toEqual([
      'prod',
    ]);
  });

  it('evaluates admission from a snapshot cluster: adservice fails require-ro-rootfs', async () => {
    const server = await startBackend({
      zeroTrust: {
        snapshots: [
          {
            name: 'demo',
            path: DEMO_SNAPSHOT,
          },
        ],
      },
    });
    const res = await request(server)
      .get('/api/zero-trust/v1/entities/component/default/adservice/posture')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const admission = res.body.controls.find(
      (c: { control: string }) => c.control === 'admission',
    );
    expect(admission.status).toBe('fail');
    expect(admission.summary).toContain('require-ro-rootfs');
    expect(admission.evidence[0]).toMatchObject({
      cluster: 'demo',
      kind: 'PolicyReport',
    });
    expect(res.body.score).toEqual(expect.any(Number));
    expect(res.body.clusters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'demo',
          source: 'snapshot',
          healthy: true,
        }),
      ]),
    );
  });
});
