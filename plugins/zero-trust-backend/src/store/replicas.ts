import os from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  AuthService,
  DatabaseService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ClusterHealth } from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterLeases } from './ClusterLeases';
import { PostureStore } from './PostureStore';
import { PostureComputer, SharedPostures } from './SharedPostures';
import { readReplicaSettings } from './settings';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Several replicas (`zeroTrust.replicas.enabled`): the posture store in the plugin's database,
 * a lease per live cluster, and the scheduled pruning of the history. Undefined with one replica,
 * which then uses no database at all.
 */
export async function startReplicas(deps: {
  config: Config;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  catalog: CatalogService;
  auth: AuthService;
}): Promise<
  | {
      store: PostureStore;
      leases: ClusterLeases;
      shared: SharedPostures;
      /** Every cluster's health as the replica watching it sees it. */
      clusterHealth(local: ClusterHealth[]): Promise<ClusterHealth[]>;
      /** The posture service to record with, created after the registry the leases feed. */
      recordWith(posture: PostureComputer): void;
    }
  | undefined
> {
  const settings = readReplicaSettings(deps.config);
  if (!settings) return undefined;
  const { logger, scheduler } = deps;
  const replica = `${os.hostname()}-${process.pid}-${randomBytes(3).toString(
    'hex',
  )}`;
  const store = await PostureStore.create(deps.database);
  const shared = new SharedPostures(store, settings, replica);
  let posture: PostureComputer | undefined;
  const leases = new ClusterLeases({
    scheduler,
    store,
    logger,
    replica,
    settings,
    record: async cluster => {
      if (!posture) return;
      const count = await shared.recordCluster(cluster, { ...deps, posture });
      logger.debug(
        `Zero Trust: recorded ${count} posture(s) of cluster "${cluster}"`,
      );
    },
  });
  await scheduler.scheduleTask({
    id: 'prune-posture-history',
    scope: 'global',
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    fn: async () => {
      const deleted = await store.pruneHistory(
        new Date(Date.now() - settings.retentionDays * DAY_MS),
      );
      logger.info(`Zero Trust: pruned ${deleted} posture history entries`);
    },
  });
  logger.info(`Zero Trust: replica ${replica} shares clusters through leases`);
  return {
    store,
    leases,
    shared,
    clusterHealth: local => shared.clusterHealth(local, leases.watching()),
    recordWith: p => {
      posture = p;
    },
  };
}
