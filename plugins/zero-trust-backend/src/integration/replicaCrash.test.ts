import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ClusterHealth,
  EntityPosture,
  WATCHED_KINDS,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { kubeRequest, useTestCluster } from '@zero-trust-k8s/test-cluster';
import YAML from 'yaml';
import { eventually } from '../__testUtils__/FakeApiServer';
import { freePort } from '../__testUtils__/freePort';
import { TestPostgres, startPostgres } from '../__testUtils__/postgres';
import { PostureStore } from '../store/PostureStore';

jest.setTimeout(600_000);

const LEASE_MS = 10_000;
/**
 * After `leaseTime` without a renewal the survivor ends the dead run (ClusterLeases' check every
 * 2 s), claims the next (1 s poll) and LISTs every kind: well within this on a loaded machine.
 * Without that the lock would wait for the scheduler's janitor, up to a minute more.
 */
const MARGIN_MS = 20_000;
const CART = '/api/zero-trust/v1/entities/component/default/cartservice';
/** A static external-access token both replicas accept (backend.auth.externalAccess). */
const TOKEN = randomBytes(24).toString('base64url');

/** A backend replica in a process of its own (src/__testUtils__/replicaBackend.ts). */
interface Replica {
  child: ChildProcess;
  baseUrl: string;
  log: string;
}

// Two backend replicas, each a real backend-defaults backend in its own process with the scheduler
// as in production (its janitor runs), on one real PostgreSQL and one real API server (the Online
// Boutique's state and the examples/rbac ServiceAccount). The replica watching the cluster dies by
// SIGKILL: it releases nothing, and its run's lock stays until it expires; the other replica ends
// that run once the owner has been silent for leaseTime (or the janitor frees it) and takes over.
describe('a replica that dies', () => {
  const cluster = useTestCluster({ onlineBoutique: true });
  let postgres: TestPostgres;
  let dir: string;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-replica-crash-'));
  });
  afterAll(async () => {
    await Promise.all(replicas.map(stop));
    await postgres?.stop();
  });

  async function startReplica(name: string): Promise<Replica> {
    const admin = cluster().kubeConfig().getCurrentCluster()!;
    const caData =
      admin.caData ?? fs.readFileSync(admin.caFile!).toString('base64');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const configFile = path.join(dir, `app-config-${name}.yaml`);
    fs.writeFileSync(
      configFile,
      YAML.stringify({
        app: { baseUrl: 'http://127.0.0.1:3000' },
        backend: {
          baseUrl,
          listen: { host: '127.0.0.1', port },
          database: postgres.config,
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token: TOKEN, subject: 'replica-crash-test' },
              },
            ],
          },
        },
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
                  serviceAccountToken: await cluster().tokenFor(
                    'backstage',
                    'zero-trust-backstage',
                  ),
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
      }),
    );
    const log = path.join(dir, `${name}.log`);
    const out = fs.openSync(log, 'w');
    const child = fork(
      path.resolve(__dirname, '../__testUtils__/replicaBackend.ts'),
      ['--config', configFile],
      {
        cwd: path.resolve(__dirname, '../..'),
        execArgv: [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        ],
        // Not 'test' (Jest's): the scheduler runs its janitor only outside tests.
        env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info' },
        // Its own process group, killed as one.
        detached: true,
        stdio: ['ignore', out, out, 'ipc'],
      },
    );
    fs.closeSync(out);
    const replica = { child, baseUrl, log };
    replicas.push(replica);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start in 180 s, see ${log}`)),
        180_000,
      );
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', code => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code}, see ${log}`));
      });
    });
    return replica;
  }

  async function stop({ child }: Replica): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(r => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    const kill = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(kill);
  }

  async function get<T>(replica: Replica, route: string): Promise<T> {
    const res = await fetch(`${replica.baseUrl}${route}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (!res.ok) throw new Error(`GET ${route}: ${res.status}`);
    return (await res.json()) as T;
  }

  /** The demo cluster's health as a replica answers it. */
  async function demoHealth(replica: Replica): Promise<ClusterHealth> {
    const { items } = await get<{ items: ClusterHealth[] }>(
      replica,
      '/api/zero-trust/v1/clusters',
    );
    return items.find(c => c.name === 'demo')!;
  }

  const synced = (health: ClusterHealth) =>
    health.kinds?.find(k => k.kind === 'PeerAuthentication')?.state;

  /**
   * Open watches per resource (`group/plural`), from the API server's gauge
   * `apiserver_longrunning_requests` summed over its scopes.
   */
  async function openWatches(): Promise<Map<string, number>> {
    const { body } = await kubeRequest(
      cluster().kubeConfig(),
      'GET',
      '/metrics',
    );
    const watches = new Map<string, number>();
    for (const line of body.split('\n')) {
      if (
        !line.startsWith('apiserver_longrunning_requests{') ||
        !line.includes('verb="WATCH"')
      ) {
        continue;
      }
      const label = (name: string) =>
        line.match(new RegExp(`[{,]${name}="([^"]*)"`))?.[1] ?? '';
      const key = `${label('group')}/${label('resource')}`;
      const count = Number(line.slice(line.lastIndexOf(' ') + 1));
      watches.set(key, (watches.get(key) ?? 0) + count);
    }
    return watches;
  }

  /**
   * The backends' open watches of each kind the replica has synced: the API server's count less
   * what it had before any backend started (its own informers watch some kinds too).
   */
  async function backendWatches(
    replica: Replica,
    before: Map<string, number>,
  ): Promise<Record<string, number>> {
    const [health, now] = await Promise.all([
      demoHealth(replica),
      openWatches(),
    ]);
    const kinds = (health.kinds ?? []).filter(k => k.state === 'synced');
    expect(kinds.length).toBeGreaterThan(1);
    return Object.fromEntries(
      kinds.map(({ group, kind }) => {
        const { plural } = WATCHED_KINDS.find(
          w => w.group === group && w.kind === kind,
        )!;
        const key = `${group}/${plural}`;
        return [key, (now.get(key) ?? 0) - (before.get(key) ?? 0)];
      }),
    );
  }

  /** Every value of a record is 1. */
  const once = (watches: Record<string, number>) =>
    Object.fromEntries(Object.keys(watches).map(key => [key, 1]));

  it('loses its cluster to the other replica within leaseTime', async () => {
    const before = await openWatches();
    const first = await startReplica('first');
    await eventually(
      async () => expect(synced(await demoHealth(first))).toBe('synced'),
      60_000,
    );
    const second = await startReplica('second');
    await eventually(async () => {
      const p = await get<EntityPosture>(second, `${CART}/posture`);
      expect(p.source).toBe('store');
    }, 60_000);

    // The owner, as the store names it (replica names carry their process id).
    const store = await PostureStore.create(
      DatabaseManager.fromConfig(
        new ConfigReader({ backend: { database: postgres.config } }),
      ).forPlugin('zero-trust', {
        logger: mockServices.logger.mock(),
        lifecycle: mockServices.lifecycle.mock(),
      }),
    );
    const ownedBy = async (replica: Replica) =>
      (await store.owner('demo'))?.replica.includes(`-${replica.child.pid}-`);
    const owner = (await ownedBy(first)) ? first : second;
    const survivor = owner === first ? second : first;
    expect(await ownedBy(owner)).toBe(true);
    await eventually(async () => {
      const watches = await backendWatches(owner, before);
      expect(watches).toEqual(once(watches));
    }, 10_000);

    // SIGKILL: no shutdown hook runs, its lease run's lock stays until it expires.
    const killedAt = Date.now();
    const dead = new Promise(r => owner.child.once('exit', r));
    process.kill(-owner.child.pid!, 'SIGKILL');
    await dead;

    // The survivor watches the cluster itself: its own synced watch, no "no replica watches" error,
    // and the store names it.
    const bound = LEASE_MS + MARGIN_MS;
    await eventually(
      async () => {
        const health = await demoHealth(survivor);
        expect(health.errors).toEqual([]);
        expect(synced(health)).toBe('synced');
        expect(await ownedBy(survivor)).toBe(true);
      },
      bound,
      250,
    );
    const takeoverMs = Date.now() - killedAt;
    const log = fs.readFileSync(survivor.log, 'utf8');
    const freedBy = log.includes('its lease run is ended for another replica')
      ? 'the survivor ended the dead run'
      : 'the janitor freed the dead run';
    console.info(
      `Takeover after SIGKILL: ${(takeoverMs / 1000).toFixed(1)} s ` +
        `(leaseTime ${LEASE_MS / 1000} s; ${freedBy}; logs in ${dir})`,
    );
    expect(takeoverMs).toBeLessThanOrEqual(bound + 1_000);

    // The API server sees the survivor's watches alone, one per kind, and it records again.
    await eventually(async () => {
      const watches = await backendWatches(survivor, before);
      expect(watches).toEqual(once(watches));
    }, 10_000);
    await eventually(async () => {
      const stored = await store.latest('component:default/cartservice');
      expect(stored!.recordedAt.getTime()).toBeGreaterThan(killedAt);
      expect(stored!.replica).toContain(`-${survivor.child.pid}-`);
      const p = await get<EntityPosture>(survivor, `${CART}/posture`);
      expect(p.source).toBe('store');
      expect(Date.parse(p.recordedAt!)).toBeGreaterThan(killedAt);
      expect(p.workloads?.length).toBeGreaterThan(0);
    }, 30_000);
  });
});
