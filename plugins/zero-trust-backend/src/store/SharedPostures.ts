import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ClusterHealth,
  EntityPosture,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { OWNER_FRESH_MS } from './ClusterLeases';
import { PostureStore } from './PostureStore';
import { ReplicaSettings } from './settings';

/** What the recorder needs of the posture service: workloads and a posture computed here. */
export interface PostureComputer {
  workloadsOf(entity: Entity): Array<{ cluster: { name: string } }>;
  computeComponentPosture(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<EntityPosture>;
}

/**
 * The postures of several replicas: the watching replica records its clusters' entities, every
 * replica serves what was recorded while it is fresh.
 */
export class SharedPostures {
  constructor(
    private readonly store: PostureStore,
    private readonly settings: ReplicaSettings,
    private readonly replica: string,
  ) {}

  /**
   * The stored posture, flagged `source: 'store'`, when it is fresh: recorded within two record
   * intervals by replicas that still watch each of its clusters. Otherwise undefined, and the
   * caller computes it here.
   */
  async fresh(entityRef: string): Promise<EntityPosture | undefined> {
    const stored = await this.store.latest(entityRef);
    if (!stored) return undefined;
    const now = Date.now();
    if (now - stored.recordedAt.getTime() > 2 * this.settings.recordMs) {
      return undefined;
    }
    for (const cluster of stored.clusters) {
      const owner = await this.store.owner(cluster);
      if (!owner || now - owner.renewedAt.getTime() > OWNER_FRESH_MS) {
        return undefined;
      }
    }
    return {
      ...stored.posture,
      source: 'store',
      recordedAt: stored.recordedAt.toISOString(),
    };
  }

  /**
   * The health of the clusters as the replicas watching them see it: a live cluster this replica
   * does not watch shows its owner's renewed health, or says that no replica watches it now.
   */
  async clusterHealth(
    local: ClusterHealth[],
    watchedHere: string[],
  ): Promise<ClusterHealth[]> {
    return Promise.all(
      local.map(async health => {
        if (health.source !== 'live' || watchedHere.includes(health.name)) {
          return health;
        }
        const owner = await this.store.owner(health.name);
        if (
          owner?.health &&
          Date.now() - owner.renewedAt.getTime() <= OWNER_FRESH_MS
        ) {
          return owner.health;
        }
        return {
          ...health,
          healthy: false,
          errors: [
            ...health.errors,
            'No replica watches this cluster now: a replica takes it within zeroTrust.replicas.leaseTime',
          ],
        };
      }),
    );
  }

  /** Records the posture of every catalog Component with workloads in a cluster. */
  async recordCluster(
    cluster: string,
    deps: {
      posture: PostureComputer;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ): Promise<number> {
    const credentials = await deps.auth.getOwnServiceCredentials();
    const { items } = await deps.catalog.getEntities(
      { filter: { kind: 'Component' } },
      { credentials },
    );
    let recorded = 0;
    for (const entity of items) {
      const clusters = [
        ...new Set(deps.posture.workloadsOf(entity).map(w => w.cluster.name)),
      ];
      if (!clusters.includes(cluster)) continue;
      try {
        const posture = await deps.posture.computeComponentPosture(
          entity,
          credentials,
        );
        await this.store.record(posture, {
          clusters,
          replica: this.replica,
        });
        recorded++;
      } catch (e) {
        deps.logger.warn(
          `Zero Trust: cannot record the posture of ${stringifyEntityRef(
            entity,
          )}: ${e}`,
        );
      }
    }
    return recorded;
  }
}
