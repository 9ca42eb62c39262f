import fs from 'node:fs';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ClusterHealth,
  EntityPosture,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { kubeRequest, useTestCluster } from '@zero-trust-k8s/test-cluster';
import request from 'supertest';
import { boutiqueEntities } from '../__testUtils__/boutiqueCatalog';
import { serviceAccountStrategyForJest } from '../__testUtils__/clusterAccess';
import { eventually } from '../__testUtils__/FakeApiServer';
import { TestPostgres, startPostgres } from '../__testUtils__/postgres';
import { zeroTrustPlugin } from '../plugin';
import { zeroTrustClusterAccessExtensionPoint } from '../sources/clusterAccessExtensionPoint';

jest.setTimeout(300_000);

const LEASE_MS = 10_000;
const CART = '/api/zero-trust/v1/entities/component/default/cartservice';

type Server = Parameters<typeof request>[0];

// Two backend replicas on one real PostgreSQL and one real API server (the Online Boutique's state
// and the examples/rbac ServiceAccount), wired as an adopter wires them, with Backstage's real
// scheduler (its locks in that database) and zeroTrust.replicas enabled.
describe('several replicas sharing one database', () => {
  const cluster = useTestCluster({ onlineBoutique: true });
  let postgres: TestPostgres;
  const backends: Array<{ server: Server; stop: () => Promise<void> }> = [];

  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await Promise.all(backends.map(b => b.stop()));
    await postgres?.stop();
  });

  async function startReplica() {
    const admin = cluster().kubeConfig().getCurrentCluster()!;
    const caData =
      admin.caData ?? fs.readFileSync(admin.caFile!).toString('base64');
    const token = await cluster().tokenFor('backstage', 'zero-trust-backstage');
    const backend = await startTestBackend({
      features: [
        zeroTrustPlugin,
        schedulerServiceFactory,
        createBackendModule({
          pluginId: 'zero-trust',
          moduleId: 'test-auth-strategies',
          register(env) {
            env.registerInit({
              deps: { access: zeroTrustClusterAccessExtensionPoint },
              async init({ access }) {
                access.addAuthStrategy(
                  'serviceAccount',
                  serviceAccountStrategyForJest(),
                );
              },
            });
          },
        }),
        catalogServiceMock.factory({ entities: boutiqueEntities() }),
        mockServices.rootConfig.factory({
          data: {
            backend: { database: postgres.config },
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'demo',
                      url: admin.server,
                      caData,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: token,
                    },
                  ],
                },
              ],
            },
            zeroTrust: {
              clusters: { initialBackoff: '100ms', maxBackoff: '500ms' },
              replicas: {
                enabled: true,
                leaseTime: `${LEASE_MS / 1000}s`,
                recordInterval: '2s',
              },
            },
          },
        }),
      ],
    });
    const replica = {
      server: backend.server,
      stop: async () => {
        backends.splice(backends.indexOf(replica), 1);
        await backend.stop();
      },
    };
    backends.push(replica);
    return replica;
  }

  /**
   * Open watches of a kind only this backend watches (the API server's gauge
   * `apiserver_longrunning_requests`), so a second watcher would show as 2.
   */
  async function openWatches(): Promise<number> {
    const { body } = await kubeRequest(
      cluster().kubeConfig(),
      'GET',
      '/metrics',
    );
    return body
      .split('\n')
      .filter(
        l =>
          l.startsWith('apiserver_longrunning_requests{') &&
          l.includes('resource="peerauthentications"') &&
          l.includes('verb="WATCH"'),
      )
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  }

  /** The demo cluster's health as a replica answers it. */
  async function demoHealth(server: Server): Promise<ClusterHealth> {
    const res = await request(server)
      .get('/api/zero-trust/v1/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return (res.body.items as ClusterHealth[]).find(c => c.name === 'demo')!;
  }

  const synced = (health: ClusterHealth) =>
    health.kinds?.find(k => k.kind === 'PeerAuthentication')?.state;

  async function posture(server: Server): Promise<EntityPosture> {
    const res = await request(server)
      .get(`${CART}/posture`)
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body;
  }

  it('watches each cluster once, serves the stored posture everywhere, and hands over when a replica stops', async () => {
    // The first replica takes the cluster; the second, started once it watches, yields to it.
    const owner = await startReplica();
    await eventually(async () => expect(await openWatches()).toBe(1), 60_000);
    await eventually(
      async () => expect(synced(await demoHealth(owner.server))).toBe('synced'),
      30_000,
    );
    const other = await startReplica();
    const replicas = [owner, other];

    // Exactly one watch, through lease runs that end every LEASE_MS.
    const samples: number[] = [];
    const until = Date.now() + LEASE_MS * 1.5;
    while (Date.now() < until) {
      samples.push(await openWatches());
      await new Promise(r => setTimeout(r, 250));
    }
    expect(Math.max(...samples)).toBe(1);
    // The other replica answers the cluster's health as the owner sees it.
    expect(synced(await demoHealth(other.server))).toBe('synced');

    // Both serve the posture the owner recorded, from the store, evidence included.
    const recorded: EntityPosture[] = [];
    for (const { server } of replicas) {
      await eventually(async () => {
        const p = await posture(server);
        expect(p.source).toBe('store');
        expect(p.workloads?.length).toBeGreaterThan(0);
        recorded.push(p);
      }, 30_000);
    }
    const mtls = recorded[0].controls.find(c => c.control === 'mtls')!;
    expect(recorded[1].controls.find(c => c.control === 'mtls')).toEqual(mtls);
    const history = await request(other.server)
      .get(`${CART}/history`)
      .query({ control: 'mtls' })
      .set('Authorization', mockCredentials.user.header());
    expect(history.status).toBe(200);
    expect(history.body.entityRef).toBe('component:default/cartservice');
    const items = history.body.items as Array<{ control: string }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every(i => i.control === 'mtls')).toBe(true);
    expect(items[items.length - 1]).toEqual({
      control: 'mtls',
      status: mtls.status,
      recordedAt: expect.any(String),
    });
    const future = await request(other.server)
      .get(`${CART}/history`)
      .query({ since: new Date(Date.now() + 60_000).toISOString() })
      .set('Authorization', mockCredentials.user.header());
    expect(future.body.items).toEqual([]);
    const bad = await request(other.server)
      .get(`${CART}/history`)
      .query({ since: 'yesterday' })
      .set('Authorization', mockCredentials.user.header());
    expect(bad.status).toBe(400);

    // The owner stops: the other takes the cluster within the lease time (its own watch has
    // synced), watches it alone, and records the posture again, which only a watching replica does.
    const stoppedAt = Date.now();
    await owner.stop();
    await eventually(async () => {
      const health = await demoHealth(other.server);
      expect(health.errors).toEqual([]);
      expect(synced(health)).toBe('synced');
    }, LEASE_MS);
    await eventually(async () => expect(await openWatches()).toBe(1), 5_000);
    await eventually(async () => {
      const p = await posture(other.server);
      expect(p.source).toBe('store');
      expect(Date.parse(p.recordedAt!)).toBeGreaterThan(stoppedAt);
    }, 30_000);
  });
});
