import path from 'node:path';
import { RootConfigService } from '@backstage/backend-plugin-api';
import { ClusterHealth } from '@zero-trust-k8s/plugin-zero-trust-common';
import { SnapshotClusterSource } from '../sources/SnapshotClusterSource';
import { ClusterSource } from '../sources/types';

/**
 * The clusters the backend knows: live ones from the same `kubernetes.clusterLocatorMethods`
 * configuration as Backstage's kubernetes plugin (so users configure clusters once), and read-only
 * snapshots from `zeroTrust.snapshots`.
 */
export class ConfiguredClusters {
  static fromConfig(config: RootConfigService): ConfiguredClusters {
    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    const live = methods
      .filter(m => m.getString('type') === 'config')
      .flatMap(m => m.getOptionalConfigArray('clusters') ?? [])
      .map(c => c.getString('name'));
    const snapshots = (
      config.getOptionalConfigArray('zeroTrust.snapshots') ?? []
    ).map(s =>
      SnapshotClusterSource.fromDirectory(
        s.getString('name'),
        path.resolve(s.getString('path')),
      ),
    );
    return new ConfiguredClusters(live, snapshots);
  }

  private constructor(
    private readonly liveNames: string[],
    private readonly snapshots: ClusterSource[],
  ) {}

  /** The clusters whose objects the backend holds. */
  sources(): ClusterSource[] {
    return this.snapshots;
  }

  list(): ClusterHealth[] {
    // Live clusters are listed but not read yet: the watch caches arrive with the live source.
    const live: ClusterHealth[] = this.liveNames.map(name => ({
      name,
      source: 'live',
      healthy: false,
      errors: [
        'not synced: this version reads snapshots only, not live clusters',
      ],
    }));
    return [...live, ...this.snapshots.map(s => s.health())];
  }
}
