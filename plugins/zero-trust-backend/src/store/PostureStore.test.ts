import { DatabaseManager } from '@backstage/backend-defaults/database';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ClusterHealth,
  EntityPosture,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { TestPostgres, startPostgres } from '../__testUtils__/postgres';
import { PostureStore } from './PostureStore';

jest.setTimeout(60_000);

function posture(statuses: Record<string, string>): EntityPosture {
  return {
    entityRef: 'component:default/cart',
    controls: Object.entries(statuses).map(([control, status]) => ({
      control,
      status,
      summary: `${control} is ${status}`,
      evidence: [],
    })),
    clusters: [],
    generatedAt: '2026-12-01T00:00:00.000Z',
  } as unknown as EntityPosture;
}

const at = (iso: string) => new Date(iso);

let postgres: TestPostgres | undefined;
afterAll(() => postgres?.stop());

describe.each([
  [
    'SQLite',
    async () => ({ client: 'better-sqlite3', connection: ':memory:' }),
  ],
  [
    'PostgreSQL',
    async () => {
      postgres ??= await startPostgres();
      return postgres.config;
    },
  ],
])('PostureStore on %s', (_name, database) => {
  let store: PostureStore;

  beforeAll(async () => {
    const manager = DatabaseManager.fromConfig(
      new ConfigReader({ backend: { database: await database() } }),
    );
    store = await PostureStore.create(
      manager.forPlugin('zero-trust', {
        logger: mockServices.logger.mock(),
        lifecycle: mockServices.lifecycle.mock(),
      }),
    );
  });

  it('keeps the latest posture with who recorded it, and the history of changes', async () => {
    const by = { clusters: ['prod'], replica: 'a' };
    await store.record(posture({ mtls: 'pass', sbom: 'fail' }), {
      ...by,
      at: at('2026-12-01T10:00:00Z'),
    });
    await store.record(posture({ mtls: 'pass', sbom: 'fail' }), {
      ...by,
      at: at('2026-12-01T10:01:00Z'),
    });
    await store.record(posture({ mtls: 'warn', sbom: 'fail' }), {
      clusters: ['prod', 'edge'],
      replica: 'b',
      at: at('2026-12-01T10:02:00Z'),
    });

    const latest = await store.latest('component:default/cart');
    expect(latest?.recordedAt.toISOString()).toBe('2026-12-01T10:02:00.000Z');
    expect(latest?.replica).toBe('b');
    expect(latest?.clusters).toEqual(['prod', 'edge']);
    expect(latest?.posture.controls[0]).toMatchObject({
      control: 'mtls',
      status: 'warn',
      summary: 'mtls is warn',
    });
    expect(await store.latest('component:default/other')).toBeUndefined();

    // An unchanged status adds nothing; a change adds one entry.
    expect(await store.history('component:default/cart')).toEqual([
      {
        control: 'mtls',
        status: 'pass',
        recordedAt: '2026-12-01T10:00:00.000Z',
      },
      {
        control: 'sbom',
        status: 'fail',
        recordedAt: '2026-12-01T10:00:00.000Z',
      },
      {
        control: 'mtls',
        status: 'warn',
        recordedAt: '2026-12-01T10:02:00.000Z',
      },
    ]);
    expect(
      await store.history('component:default/cart', { control: 'mtls' }),
    ).toHaveLength(2);
    expect(
      await store.history('component:default/cart', {
        since: at('2026-12-01T10:01:00Z'),
      }),
    ).toEqual([
      {
        control: 'mtls',
        status: 'warn',
        recordedAt: '2026-12-01T10:02:00.000Z',
      },
    ]);
  });

  it('prunes history older than the retention', async () => {
    expect(await store.pruneHistory(at('2026-12-01T10:01:00Z'))).toBe(2);
    expect(await store.history('component:default/cart')).toHaveLength(1);
    // The latest posture is not history: it stays.
    expect(await store.latest('component:default/cart')).toBeDefined();
  });

  it('records which replica watches a cluster until it lets go', async () => {
    await store.renewOwner('prod', 'a');
    expect((await store.owner('prod'))?.health).toBeUndefined();
    const health = { name: 'prod', source: 'live', healthy: true, errors: [] };
    await store.renewOwner('prod', 'b', health as ClusterHealth);
    expect(await store.owner('prod')).toMatchObject({ replica: 'b', health });
    await store.releaseOwner('prod', 'a'); // not the owner: no effect
    expect((await store.owner('prod'))?.replica).toBe('b');
    await store.releaseOwner('prod', 'b');
    expect(await store.owner('prod')).toBeUndefined();
  });
});
