import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { WATCHED_KINDS } from '@zero-trust-k8s/plugin-zero-trust-common';
import { configLocatorClusters } from '../__testUtils__/clusterAccess';
import { FakeApiServer, eventually } from '../__testUtils__/FakeApiServer';
import { TestPostgres, startPostgres } from '../__testUtils__/postgres';
import {
  DEFAULT_LIVE_CLUSTER_OPTIONS,
  LiveClusterSource,
} from '../sources/LiveClusterSource';
import { ClusterSource } from '../sources/types';
import { ClusterLeases, OWNER_FRESH_MS } from './ClusterLeases';
import { PostureStore } from './PostureStore';

jest.setTimeout(120_000);

const PODS = '/api/v1/pods';
const LEASE_MS = 3_000;
const pods = WATCHED_KINDS.filter(k => k.kind === 'Pod');

interface Replica {
  leases: ClusterLeases;
  records: number;
  stop(): Promise<void>;
}

// Two replicas, each a backend with Backstage's real scheduler, sharing one real PostgreSQL and
// watching one API server (a fake that counts open watches and lists).
describe('ClusterLeases', () => {
  let postgres: TestPostgres;
  let api: FakeApiServer;
  const running: Replica[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    api = await FakeApiServer.start();
    api.setCollection(PODS, [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'a', namespace: 'shop', uid: 'uid-a' },
      },
    ]);
  });
  afterAll(async () => {
    await Promise.all(running.map(r => r.stop()));
    await api?.close();
    await postgres?.stop();
  });

  const watchRequests = () =>
    api.requests.filter(r => r.watch && r.path === PODS).length;

  async function startReplica(name: string): Promise<Replica> {
    const [cluster] = await configLocatorClusters([
      {
        name: 'c1',
        url: api.url,
        authProvider: 'serviceAccount',
        serviceAccountToken: 'test-token',
        skipTLSVerify: true,
      },
    ]);
    const source = new LiveClusterSource(
      'c1',
      cluster.kubeConfig!,
      { ...DEFAULT_LIVE_CLUSTER_OPTIONS, initialBackoffMs: 50 },
      pods,
    );
    const replica = { records: 0 } as Replica;
    const backend = await startTestBackend({
      features: [
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: { backend: { database: postgres.config } },
        }),
        createBackendPlugin({
          pluginId: 'zero-trust',
          register(env) {
            env.registerInit({
              deps: {
                database: coreServices.database,
                scheduler: coreServices.scheduler,
                logger: coreServices.logger,
                lifecycle: coreServices.lifecycle,
              },
              async init({ database, scheduler, logger, lifecycle }) {
                replica.leases = new ClusterLeases({
                  scheduler,
                  store: await PostureStore.create(database),
                  logger,
                  replica: name,
                  settings: {
                    leaseMs: LEASE_MS,
                    recordMs: 200,
                    retentionDays: 1,
                  },
                  record: async () => {
                    replica.records++;
                  },
                });
                lifecycle.addShutdownHook(() => replica.leases.stop());
                await replica.leases.add(source);
              },
            });
          },
        }),
      ],
    });
    replica.stop = async () => {
      running.splice(running.indexOf(replica), 1);
      await backend.stop();
    };
    running.push(replica);
    return replica;
  }

  it('lets one replica watch a cluster across lease runs, and the other take over when it stops', async () => {
    const replicas = [await startReplica('a'), await startReplica('b')];
    await eventually(() => expect(api.openWatches(PODS)).toBe(1), 30_000);
    const lists = api.listCount(PODS);

    // Over several lease runs: never two watches, and no new list (the owner kept its watch).
    const until = Date.now() + 3 * LEASE_MS;
    while (Date.now() < until) {
      expect(api.openWatches(PODS)).toBeLessThanOrEqual(1);
      await new Promise(r => setTimeout(r, 50));
    }
    expect(api.listCount(PODS)).toBe(lists);
    const owners = replicas.filter(r => r.leases.watching().includes('c1'));
    expect(owners).toHaveLength(1);
    const [owner] = owners;
    const other = replicas.find(r => r !== owner)!;
    expect(owner.records).toBeGreaterThan(0);
    expect(other.records).toBe(0);

    // A replica that stops lets go at once: the other takes the cluster within the lease time.
    const watchesBefore = watchRequests();
    await owner.stop();
    expect(owner.leases.watching()).toEqual([]);
    await eventually(
      () => expect(other.leases.watching()).toEqual(['c1']),
      LEASE_MS,
    );
    // (The fake counts a watch the client closed as open: the new watch requests are counted.)
    await eventually(() => expect(watchRequests()).toBe(watchesBefore + 1));
    await eventually(() => expect(other.records).toBeGreaterThan(0), 5_000);
  });
});

// One lease run at a time, driven by hand: what a replica does when the scheduler gives it a run.
describe('ClusterLeases runs', () => {
  let store: PostureStore;
  let run: (signal: AbortSignal) => Promise<void>;
  let scheduled: unknown;
  let scheduler: ReturnType<typeof mockServices.scheduler.mock>;
  let leases: ClusterLeases;
  const source = {
    name: 'c1',
    type: 'live',
    start: jest.fn(async () => {}),
    stop: jest.fn(async () => {}),
    health: () => ({ name: 'c1', kinds: [] }),
  } as unknown as ClusterSource;

  beforeEach(async () => {
    jest.clearAllMocks();
    const manager = DatabaseManager.fromConfig(
      new ConfigReader({
        backend: {
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
      }),
    );
    store = await PostureStore.create(
      manager.forPlugin('zero-trust', {
        logger: mockServices.logger.mock(),
        lifecycle: mockServices.lifecycle.mock(),
      }),
    );
    scheduler = mockServices.scheduler.mock({
      scheduleTask: jest.fn(async task => {
        scheduled = task;
        run = task.fn as typeof run;
      }),
    });
    leases = new ClusterLeases({
      scheduler,
      store,
      logger: mockServices.logger.mock(),
      replica: 'me',
      settings: { leaseMs: LEASE_MS, recordMs: 60_000, retentionDays: 1 },
      record: async () => {},
    });
    await leases.add(source);
  });

  afterEach(() => leases.stop());

  it('lets the run go while another replica renews the cluster, and takes it once released', async () => {
    // A global task: its run's lock in the shared database is the lease.
    expect(scheduled).toMatchObject({
      id: 'watch-cluster:c1',
      scope: 'global',
      timeout: { milliseconds: LEASE_MS },
    });
    await store.renewOwner('c1', 'other');
    await run(AbortSignal.abort());
    expect(source.start).not.toHaveBeenCalled();
    expect(leases.watching()).toEqual([]);

    await store.releaseOwner('c1', 'other');
    await run(AbortSignal.abort());
    expect(source.start).toHaveBeenCalledTimes(1);
    expect(leases.watching()).toEqual(['c1']);
    expect((await store.owner('c1'))?.replica).toBe('me');
  });

  it('keeps watching between its own runs, stops after the grace, and releases on stop', async () => {
    await run(AbortSignal.abort());
    await run(AbortSignal.abort()); // the next run: the same watch goes on
    expect(source.start).toHaveBeenCalledTimes(1);
    expect(source.stop).not.toHaveBeenCalled();

    // No next run: the watch ends after the grace and the ownership is released.
    await eventually(
      () => expect(source.stop).toHaveBeenCalledTimes(1),
      10_000,
    );
    await eventually(async () =>
      expect(await store.owner('c1')).toBeUndefined(),
    );
    expect(leases.watching()).toEqual([]);

    await run(AbortSignal.abort());
    expect(leases.watching()).toEqual(['c1']);
    await leases.stop();
    expect(source.stop).toHaveBeenCalledTimes(2);
    expect(await store.owner('c1')).toBeUndefined();
    await run(AbortSignal.abort()); // a stopping replica takes nothing
    expect(source.start).toHaveBeenCalledTimes(2);
  });

  it('ends the run of an owner silent for a whole lease time, as the scheduler janitor would', async () => {
    // Renewed within the lease time: the owner is alive and its run is left alone.
    await store.renewOwner('c1', 'other');
    await new Promise(r => setTimeout(r, LEASE_MS / 2));
    expect(scheduler.cancelTask).not.toHaveBeenCalled();

    // Silent for longer, and no longer fresh (it died holding the run's lock): the run is ended,
    // through the scheduler.
    await eventually(
      () =>
        expect(scheduler.cancelTask).toHaveBeenCalledWith('watch-cluster:c1'),
      OWNER_FRESH_MS + 5_000,
    );
    expect(source.start).not.toHaveBeenCalled();
    // The next run, whichever replica gets it, is taken: the owner's renewal is stale.
    await run(AbortSignal.abort());
    expect(leases.watching()).toEqual(['c1']);

    // A replica ends no run of a cluster it watches itself.
    scheduler.cancelTask.mockClear();
    await new Promise(r => setTimeout(r, 3_000));
    expect(scheduler.cancelTask).not.toHaveBeenCalled();
  });
});
