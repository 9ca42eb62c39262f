import path from 'node:path';
import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterHealth,
  WatchedKind,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  LiveClusterOptions,
  LiveClusterSource,
} from '../sources/LiveClusterSource';
import { SnapshotClusterSource } from '../sources/SnapshotClusterSource';
import {
  readClusterRefreshMs,
  readLiveClusterOptions,
  readLocalKubeconfig,
} from '../sources/clusterConfig';
import {
  LiveClusterConfig,
  LiveClusterResolver,
} from '../sources/clusterAccess';
import { ClusterSource } from '../sources/types';

/**
 * With several replicas: live clusters are watched only while this replica holds their lease
 * (src/store/ClusterLeases.ts), so the registry hands them over instead of starting them.
 */
export interface LeasedWatches {
  add(source: ClusterSource): Promise<void>;
  remove(name: string): Promise<void>;
}

interface LiveEntry {
  source: LiveClusterSource;
  fingerprint?: string;
}

/**
 * Every cluster the backend reads: live ones (found by Backstage's kubernetes plugin's locators,
 * through a {@link LiveClusterResolver}, plus `zeroTrust.kubeconfig` for local use) and read-only
 * snapshots (`zeroTrust.snapshots`). Live clusters are resolved at start and again every refresh
 * interval, as catalog and GKE locators find clusters come and go.
 */
export class ClusterRegistry {
  static fromConfig(
    config: Config,
    logger?: LoggerService,
    resolver?: LiveClusterResolver,
    extra: {
      /** Sources added by modules (zeroTrustEvidenceSourcesExtensionPoint). */
      sources?: ClusterSource[];
      /** The kinds live clusters watch (default: the built-in ones). */
      kinds?: readonly WatchedKind[];
      /** Leases of live clusters shared with other replicas. */
      leases?: LeasedWatches;
    } = {},
  ): ClusterRegistry {
    const options: LiveClusterOptions = {
      ...readLiveClusterOptions(config),
      logger,
      kinds: extra.kinds,
    };
    const local = readLocalKubeconfig(config);
    const fixed: ClusterSource[] = local ? [toSource(local, options)] : [];
    fixed.push(
      ...(config.getOptionalConfigArray('zeroTrust.snapshots') ?? []).map(s =>
        SnapshotClusterSource.fromDirectory(
          s.getString('name'),
          path.resolve(s.getString('path')),
          { limits: options.limits, logger },
        ),
      ),
    );
    fixed.push(...(extra.sources ?? []));
    return new ClusterRegistry(fixed, {
      resolver,
      options,
      logger,
      refreshMs: readClusterRefreshMs(config),
      leases: extra.leases,
    });
  }

  private readonly live = new Map<string, LiveEntry>();
  private refreshTimer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private started = false;

  constructor(
    private readonly fixed: ClusterSource[],
    private readonly dynamic: {
      resolver?: LiveClusterResolver;
      options?: LiveClusterOptions;
      logger?: LoggerService;
      refreshMs?: number;
      leases?: LeasedWatches;
    } = {},
  ) {
    const names = new Set<string>();
    for (const source of fixed) {
      if (names.has(source.name)) {
        throw new Error(`Zero Trust: duplicate cluster name "${source.name}"`);
      }
      names.add(source.name);
    }
  }

  sources(): ClusterSource[] {
    return [...this.fixed, ...[...this.live.values()].map(e => e.source)];
  }

  async start(): Promise<void> {
    this.started = true;
    await Promise.all(this.fixed.map(s => this.startSource(s)));
    if (!this.dynamic.resolver) return;
    await this.refresh();
    const every = this.dynamic.refreshMs ?? 300_000;
    this.refreshTimer = setInterval(() => {
      this.refresh().catch(() => {}); // refresh logs its own failures
    }, every);
    this.refreshTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.refreshTimer);
    await this.refreshing;
    await Promise.all(this.sources().map(s => s.stop()));
  }

  /** Asks the locators for the clusters again; starts new ones, stops gone or changed ones. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const { resolver, logger } = this.dynamic;
    if (!resolver) return;
    let configs: LiveClusterConfig[];
    try {
      configs = await resolver.resolve();
    } catch (e) {
      logger?.error('Zero Trust: cannot resolve the live clusters', e as Error);
      return;
    }
    if (!this.started) return;
    const taken = new Set(this.fixed.map(s => s.name));
    const wanted = new Map<string, LiveClusterConfig>();
    for (const c of configs) {
      if (taken.has(c.name) || wanted.has(c.name)) {
        logger?.warn(
          `Zero Trust: duplicate cluster name "${c.name}"; only the first is read`,
          { cluster: c.name },
        );
        continue;
      }
      wanted.set(c.name, c);
    }
    const stops: Promise<void>[] = [];
    for (const [name, entry] of this.live) {
      const next = wanted.get(name);
      if (!next || next.fingerprint !== entry.fingerprint || next.error) {
        // Gone, changed, or (still) failing: rebuilt from what the locators say now.
        this.live.delete(name);
        stops.push(entry.source.stop());
        if (this.dynamic.leases) stops.push(this.dynamic.leases.remove(name));
        if (!next) logger?.info(`Zero Trust: cluster "${name}" is gone`);
      }
    }
    await Promise.all(stops);
    for (const [name, c] of wanted) {
      if (this.live.has(name)) continue;
      const source = toSource(c, this.dynamic.options);
      this.live.set(name, { source, fingerprint: c.fingerprint });
      await this.startSource(source);
    }
  }

  private startSource(source: ClusterSource): Promise<void> {
    const { leases } = this.dynamic;
    return leases && source.type === 'live'
      ? leases.add(source)
      : source.start();
  }

  list(): ClusterHealth[] {
    return this.sources().map(s => s.health());
  }
}

function toSource(
  c: LiveClusterConfig,
  options?: LiveClusterOptions,
): LiveClusterSource {
  return c.kubeConfig
    ? new LiveClusterSource(c.name, c.kubeConfig, options)
    : LiveClusterSource.misconfigured(c.name, c.error);
}
