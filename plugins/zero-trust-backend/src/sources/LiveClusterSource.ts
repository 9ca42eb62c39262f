import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import {
  ClusterHealth,
  KindHealth,
  WATCHED_KINDS,
  WatchedKind,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { InformerTiming, KindInformer } from './KindInformer';
import { KubeTransport, KubeTransportOptions } from './KubeTransport';
import { DEFAULT_INGEST_LIMITS, IngestLimits } from './prepareForCache';
import { ClusterSource, KindStatus, KubeObject, kindKey } from './types';

/** Timeouts, retries and limits of a live cluster. */
export interface LiveClusterOptions
  extends KubeTransportOptions,
    InformerTiming {
  /** A cluster whose oldest kind was last confirmed longer ago than this is reported stale. */
  staleAfterMs: number;
  limits: IngestLimits;
  /** Where failed lists and watches, forbidden and missing kinds are logged, with cluster, kind and path. */
  logger?: LoggerService;
  /** The kinds to watch: the built-in ones and those added collectors read (default: built-in). */
  kinds?: readonly WatchedKind[];
}

export const DEFAULT_LIVE_CLUSTER_OPTIONS: LiveClusterOptions = {
  requestTimeoutMs: 15_000,
  pageSize: 500,
  watchTimeoutSeconds: 300,
  initialBackoffMs: 1_000,
  maxBackoffMs: 120_000,
  recheckMs: 300_000,
  staleAfterMs: 600_000,
  limits: DEFAULT_INGEST_LIMITS,
};

/**
 * A cluster read through its API server: one informer per watched kind, started once, so a page
 * view reads memory and costs the API server nothing. While the server is unreachable the caches
 * keep serving what they last saw, and the health route says how old that is.
 */
export class LiveClusterSource implements ClusterSource {
  readonly type = 'live';
  private readonly informers = new Map<string, KindInformer>();

  /** A configured cluster the backend cannot connect to (bad configuration); it reports why. */
  static misconfigured(name: string, error: string): LiveClusterSource {
    return new LiveClusterSource(
      name,
      undefined,
      DEFAULT_LIVE_CLUSTER_OPTIONS,
      [],
      error,
    );
  }

  constructor(
    readonly name: string,
    kubeConfig: KubeConfig | undefined,
    private readonly options: LiveClusterOptions = DEFAULT_LIVE_CLUSTER_OPTIONS,
    kinds: readonly WatchedKind[] = options.kinds ?? WATCHED_KINDS,
    private readonly configError?: string,
  ) {
    if (kubeConfig) {
      const transport = new KubeTransport(kubeConfig, options);
      for (const kind of kinds) {
        this.informers.set(
          kindKey(kind.group, kind.kind),
          new KindInformer(
            kind,
            transport,
            options,
            options.limits,
            options.logger && { logger: options.logger, cluster: name },
          ),
        );
      }
    }
  }

  async start(): Promise<void> {
    for (const informer of this.informers.values()) informer.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map(i => i.stop()));
  }

  objects(group: string, kind: string, namespace?: string): KubeObject[] {
    return this.informers.get(kindKey(group, kind))?.objects(namespace) ?? [];
  }

  kindStatus(group: string, kind: string): KindStatus {
    const informer = this.informers.get(kindKey(group, kind));
    if (!informer) {
      return {
        state: 'error',
        error: this.configError ?? `${kind} is not a watched kind`,
      };
    }
    return informer.status();
  }

  health(): ClusterHealth {
    const kinds: KindHealth[] = [...this.informers.values()].map(i => ({
      group: i.kind.group,
      version: i.kind.version,
      kind: i.kind.kind,
      count: i.count(),
      ...i.status(),
    }));
    const errors = this.configError ? [this.configError] : [];
    // One unreachable server fails every kind the same way: say it once.
    const byMessage = new Map<string, string[]>();
    for (const k of kinds) {
      if (k.state === 'error' && k.error) {
        byMessage.set(k.error, [...(byMessage.get(k.error) ?? []), k.kind]);
      }
    }
    for (const [message, names] of byMessage) {
      errors.push(
        names.length > 3
          ? `${names.length} kinds: ${message}`
          : `${names.join(', ')}: ${message}`,
      );
    }
    const syncTimes = kinds
      .filter(k => k.state !== 'pending' && k.lastSyncAt)
      .map(k => Date.parse(k.lastSyncAt!));
    const pending = kinds.some(k => k.state === 'pending');
    const oldest =
      syncTimes.length > 0 && !pending ? Math.min(...syncTimes) : undefined;
    const stalenessSeconds =
      oldest === undefined
        ? undefined
        : Math.max(0, Math.round((Date.now() - oldest) / 1000));
    const stale =
      stalenessSeconds !== undefined &&
      stalenessSeconds * 1000 > this.options.staleAfterMs;
    if (pending && errors.length === 0) {
      errors.push('initial sync in progress');
    }
    return {
      name: this.name,
      source: 'live',
      healthy: !this.configError && !pending && errors.length === 0 && !stale,
      lastSyncAt:
        oldest === undefined ? undefined : new Date(oldest).toISOString(),
      stalenessSeconds,
      stale,
      errors,
      kinds,
    };
  }
}
