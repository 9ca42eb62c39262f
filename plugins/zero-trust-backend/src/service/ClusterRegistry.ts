import path from 'node:path';
import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterHealth } from '@zero-trust-k8s/plugin-zero-trust-common';
import { LiveClusterSource } from '../sources/LiveClusterSource';
import { SnapshotClusterSource } from '../sources/SnapshotClusterSource';
import {
  readLiveClusterOptions,
  readLiveClusters,
} from '../sources/clusterConfig';
import { ClusterSource } from '../sources/types';

/**
 * Every cluster the backend reads: live ones (Backstage's `kubernetes.clusterLocatorMethods`, plus
 * `zeroTrust.kubeconfig` for local use) and read-only snapshots (`zeroTrust.snapshots`).
 */
export class ClusterRegistry {
  static fromConfig(config: Config, logger?: LoggerService): ClusterRegistry {
    const options = readLiveClusterOptions(config);
    const { clusters, skipped } = readLiveClusters(config);
    for (const type of skipped) {
      logger?.warn(
        `Zero Trust: cluster locator type "${type}" is not supported; list the clusters under a "config" locator`,
      );
    }
    const live = clusters.map(c =>
      c.kubeConfig
        ? new LiveClusterSource(c.name, c.kubeConfig, options)
        : LiveClusterSource.misconfigured(c.name, c.error),
    );
    const snapshots = (
      config.getOptionalConfigArray('zeroTrust.snapshots') ?? []
    ).map(s =>
      SnapshotClusterSource.fromDirectory(
        s.getString('name'),
        path.resolve(s.getString('path')),
        { limits: options.limits },
      ),
    );
    return new ClusterRegistry([...live, ...snapshots]);
  }

  constructor(private readonly all: ClusterSource[]) {
    const names = new Set<string>();
    for (const source of all) {
      if (names.has(source.name)) {
        throw new Error(`Zero Trust: duplicate cluster name "${source.name}"`);
      }
      names.add(source.name);
    }
  }

  sources(): ClusterSource[] {
    return this.all;
  }

  async start(): Promise<void> {
    await Promise.all(this.all.map(s => s.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map(s => s.stop()));
  }

  list(): ClusterHealth[] {
    return this.all.map(s => s.health());
  }
}
