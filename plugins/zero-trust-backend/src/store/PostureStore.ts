import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  ClusterHealth,
  EntityPosture,
} from '@zero-trust-k8s/plugin-zero-trust-common';

/** The plugin's knex client, as the database service gives it. */
type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const POSTURE = 'zero_trust_posture';
const HISTORY = 'zero_trust_history';
const OWNERS = 'zero_trust_cluster_owners';

/** A posture as the store holds it. */
export interface StoredPosture {
  posture: EntityPosture;
  recordedAt: Date;
  clusters: string[];
  replica: string;
}

/** One control's status from `recordedAt` until its next entry. */
export interface HistoryEntry {
  control: string;
  status: EntityPosture['controls'][number]['status'];
  recordedAt: string;
}

/**
 * Postures shared by the backend's replicas, in the plugin's database (the database service:
 * SQLite embedded, PostgreSQL in production), with the tables of `migrations/`.
 */
export class PostureStore {
  static async create(database: DatabaseService): Promise<PostureStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      // As Backstage's own plugins do: the package's migrations, applied at start.
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@zero-trust-k8s/plugin-zero-trust-backend',
          'migrations',
        ),
      });
    }
    return new PostureStore(knex);
  }

  constructor(private readonly knex: Knex) {}

  /**
   * Stores an entity's latest posture and, in the history, each control whose status differs
   * from the previous record (or that had none).
   */
  async record(
    posture: EntityPosture,
    by: { clusters: string[]; replica: string; at?: Date },
  ): Promise<void> {
    const at = (by.at ?? new Date()).getTime();
    await this.knex.transaction(async tx => {
      const previous = await tx(POSTURE)
        .where({ entity_ref: posture.entityRef })
        .first('posture');
      const before = new Map<string, string>(
        previous
          ? (JSON.parse(previous.posture) as EntityPosture).controls.map(c => [
              c.control,
              c.status,
            ])
          : [],
      );
      const changed = posture.controls.filter(
        c => before.get(c.control) !== c.status,
      );
      if (changed.length) {
        await tx(HISTORY).insert(
          changed.map(c => ({
            entity_ref: posture.entityRef,
            control: c.control,
            status: c.status,
            recorded_at: at,
          })),
        );
      }
      await tx(POSTURE)
        .insert({
          entity_ref: posture.entityRef,
          posture: JSON.stringify(posture),
          recorded_at: at,
          clusters: by.clusters.join(','),
          replica: by.replica,
        })
        .onConflict('entity_ref')
        .merge();
    });
  }

  async latest(entityRef: string): Promise<StoredPosture | undefined> {
    const row = await this.knex(POSTURE)
      .where({ entity_ref: entityRef })
      .first();
    if (!row) return undefined;
    return {
      posture: JSON.parse(row.posture),
      recordedAt: new Date(Number(row.recorded_at)),
      clusters: row.clusters ? String(row.clusters).split(',') : [],
      replica: row.replica,
    };
  }

  /** The history of an entity, oldest first. */
  async history(
    entityRef: string,
    filter: { control?: string; since?: Date } = {},
  ): Promise<HistoryEntry[]> {
    const query = this.knex(HISTORY)
      .where({ entity_ref: entityRef })
      .orderBy([{ column: 'recorded_at' }, { column: 'id' }])
      .select('control', 'status', 'recorded_at');
    if (filter.control) query.andWhere({ control: filter.control });
    if (filter.since) {
      query.andWhere('recorded_at', '>=', filter.since.getTime());
    }
    return (await query).map(row => ({
      control: row.control,
      status: row.status,
      recordedAt: new Date(Number(row.recorded_at)).toISOString(),
    }));
  }

  /** Deletes history recorded before a time; returns how many entries went. */
  async pruneHistory(before: Date): Promise<number> {
    return this.knex(HISTORY)
      .where('recorded_at', '<', before.getTime())
      .delete();
  }

  /** Records that a replica watches a cluster now (taken or renewed), with its health. */
  async renewOwner(
    cluster: string,
    replica: string,
    health?: ClusterHealth,
  ): Promise<void> {
    await this.knex(OWNERS)
      .insert({
        cluster,
        replica,
        renewed_at: Date.now(),
        health: health ? JSON.stringify(health) : null,
      })
      .onConflict('cluster')
      .merge();
  }

  /** Forgets a replica's ownership of a cluster (it stopped watching). */
  async releaseOwner(cluster: string, replica: string): Promise<void> {
    await this.knex(OWNERS).where({ cluster, replica }).delete();
  }

  /** The replica that last said it watches a cluster, when, and the health it saw. */
  async owner(
    cluster: string,
  ): Promise<
    { replica: string; renewedAt: Date; health?: ClusterHealth } | undefined
  > {
    const row = await this.knex(OWNERS).where({ cluster }).first();
    return row
      ? {
          replica: row.replica,
          renewedAt: new Date(Number(row.renewed_at)),
          health: row.health ? JSON.parse(row.health) : undefined,
        }
      : undefined;
  }
}
