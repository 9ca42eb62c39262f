import { LoggerService } from '@backstage/backend-plugin-api';
import { KubernetesObject, ListWatch } from '@kubernetes/client-node';
import {
  KindSyncState,
  WatchedKind,
  collectionPath,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeTransport } from './KubeTransport';
import { IngestLimits, prepareForCache } from './prepareForCache';
import { KindStatus, KubeObject } from './types';

/** Retry timing of an informer. */
export interface InformerTiming {
  /** First delay after a failed list or watch; doubles per failure up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** How often a kind that is not installed or forbidden is asked again. */
  recheckMs: number;
}

/**
 * List-then-watch cache of one kind in one cluster, on client-node's ListWatch (which keeps the
 * objects, resumes watches from the last resourceVersion and relists on 410 Gone). This class adds
 * what ListWatch leaves to its user: retries with exponential backoff, the `not-installed` and
 * `forbidden` answers, and the sync state the health route reports.
 */
export class KindInformer {
  // Typed loosely: our KubeObject allows hand-written owner references without uid.
  private listWatch?: ListWatch<KubernetesObject>;
  private state: KindSyncState = 'pending';
  private error?: string;
  private connected = false;
  private lastContact?: number;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;
  private stopped = true;
  // The last problem logged, so a kind retrying the same failure logs it once.
  private logged?: string;

  constructor(
    readonly kind: WatchedKind,
    private readonly transport: KubeTransport,
    private readonly timing: InformerTiming,
    private readonly limits: IngestLimits,
    private readonly log?: { logger: LoggerService; cluster: string },
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const path = collectionPath(this.kind);
    const watch = this.transport.watcher({
      onConnected: () => {
        this.connected = true;
        this.lastContact = Date.now();
        this.failures = 0;
        // A watch resumed from our version means the cache is current again.
        if (this.state === 'error') this.markSynced();
      },
      onEvent: () => {
        this.lastContact = Date.now();
      },
      onClosed: () => {
        if (this.connected) this.lastContact = Date.now();
        this.connected = false;
      },
    });
    const listWatch = new ListWatch<KubernetesObject>(
      path,
      watch,
      () => this.list(path),
      false,
    );
    // Watch events carry whole objects: slim them as the list's items are.
    for (const verb of ['add', 'update'] as const) {
      listWatch.on(verb, obj => {
        prepareForCache(obj as KubeObject, this.limits);
      });
    }
    listWatch.on('error', err => this.onError(err));
    this.listWatch = listWatch;
    this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.listWatch?.stop();
  }

  /** Cached objects; none while the kind is not installed or forbidden, stale ones after errors. */
  objects(namespace?: string): KubeObject[] {
    if (
      !this.listWatch ||
      this.state === 'not-installed' ||
      this.state === 'forbidden'
    ) {
      return [];
    }
    return [...this.listWatch.list(namespace)] as KubeObject[];
  }

  count(): number {
    return this.objects().length;
  }

  status(): KindStatus {
    const lastSyncAt = this.connected ? Date.now() : this.lastContact;
    return {
      state: this.state,
      lastSyncAt:
        lastSyncAt === undefined
          ? undefined
          : new Date(lastSyncAt).toISOString(),
      error: this.error,
    };
  }

  private run() {
    this.listWatch?.start().catch(err => this.onError(err));
  }

  private async list(path: string) {
    const { items, resourceVersion } = await this.transport.list(path);
    if (this.stopped) {
      // ListWatch would go on to watch after a list that finishes once stopped.
      throw new Error('informer stopped');
    }
    const apiVersion = this.kind.group
      ? `${this.kind.group}/${this.kind.version}`
      : this.kind.version;
    for (const item of items) {
      // Items of a typed list carry no kind or apiVersion of their own.
      item.apiVersion ??= apiVersion;
      item.kind ??= this.kind.kind;
    }
    this.markSynced();
    return {
      apiVersion,
      kind: `${this.kind.kind}List`,
      items: items as KubernetesObject[],
      metadata: { resourceVersion },
    };
  }

  private markSynced() {
    if (this.logged && this.log) {
      this.log.logger.info(
        `Zero Trust: cluster "${this.log.cluster}": ${this.kind.kind} synced again`,
        this.logMeta(),
      );
    }
    this.logged = undefined;
    this.state = 'synced';
    this.error = undefined;
    this.failures = 0;
    this.lastContact = Date.now();
  }

  private onError(err: unknown) {
    if (this.stopped) return;
    const statusCode = (err as { statusCode?: number }).statusCode;
    const message = (err as Error)?.message ?? String(err);
    let delay: number;
    if (statusCode === 404) {
      this.state = 'not-installed';
      this.error = undefined;
      delay = this.timing.recheckMs;
    } else if (statusCode === 403) {
      this.state = 'forbidden';
      this.error = message;
      delay = this.timing.recheckMs;
    } else {
      this.state = 'error';
      this.error = message;
      delay = Math.min(
        this.timing.maxBackoffMs,
        this.timing.initialBackoffMs * 2 ** this.failures,
      );
      // Jitter keeps many kinds of one recovering cluster from retrying in lockstep.
      delay = Math.round(delay * (0.8 + Math.random() * 0.4));
      this.failures++;
    }
    this.logProblem(statusCode, message);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.run(), delay);
    this.retryTimer.unref?.();
  }

  private logMeta(statusCode?: number) {
    return {
      cluster: this.log?.cluster,
      kind: this.kind.group
        ? `${this.kind.kind}.${this.kind.group}`
        : this.kind.kind,
      path: collectionPath(this.kind),
      server: this.transport.server,
      ...(statusCode ? { statusCode } : {}),
    };
  }

  /** Logs a failed list or watch, a forbidden or missing kind, once per distinct problem. */
  private logProblem(statusCode: number | undefined, message: string) {
    if (!this.log) return;
    const key = `${this.state}:${message}`;
    if (this.logged === key) return;
    this.logged = key;
    const { logger, cluster } = this.log;
    const meta = this.logMeta(statusCode);
    const where = `cluster "${cluster}", ${meta.kind} (${meta.path})`;
    if (this.state === 'not-installed') {
      logger.info(
        `Zero Trust: ${where}: not installed (HTTP 404); asked again every ${this.timing.recheckMs} ms`,
        meta,
      );
    } else if (this.state === 'forbidden') {
      logger.warn(
        `Zero Trust: ${where}: forbidden: ${message}; grant get/list/watch (see the RBAC of the Zero Trust backend)`,
        meta,
      );
    } else {
      logger.warn(
        `Zero Trust: ${where}: list/watch failed, retrying with backoff: ${message}`,
        meta,
      );
    }
  }
}
