import http from 'node:http';
import https from 'node:https';
import readline from 'node:readline';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { KubeObject } from './types';

/** A non-2xx answer of the API server, with its status code and `Status` message. */
export class KubeHttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'KubeHttpError';
  }
}

/** The API server did not answer within the cluster's request timeout. */
export class KubeTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeTimeoutError';
  }
}

export interface KubeTransportOptions {
  /** Longest wait for a list page, or for a watch's response headers. */
  requestTimeoutMs: number;
  /** Items per list page (`limit`/`continue` chunking keeps each response bounded). */
  pageSize: number;
  /** Asked of the server per watch; it closes the watch after this and we resume from the last version. */
  watchTimeoutSeconds: number;
}

/** Hooks a watch reports its connection state to, for staleness. */
export interface WatchHooks {
  onConnected(): void;
  onEvent(): void;
  onClosed(): void;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * A `Watch` for client-node's ListWatch. The upstream one (1.4.0) sets no effective timeout, so a
 * server that accepts the connection and never answers would hang the informer forever; this one
 * bounds the wait for headers, treats a silent stream as dead, and asks for bookmarks.
 */
class BoundedWatch extends Watch {
  constructor(
    private readonly transport: KubeTransport,
    config: KubeConfig,
    private readonly hooks: WatchHooks,
  ) {
    super(config);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    const { requestTimeoutMs, watchTimeoutSeconds } = this.transport.options;
    const controller = new AbortController();
    let finished = false;
    let idleTimer: NodeJS.Timeout | undefined;
    let headerTimer: NodeJS.Timeout | undefined = undefined;
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(headerTimer);
      clearTimeout(idleTimer);
      this.hooks.onClosed();
      controller.abort();
      done(err);
    };
    // An abort we did not start comes from ListWatch stopping: it expects no callback.
    controller.signal.addEventListener('abort', () => {
      clearTimeout(headerTimer);
      clearTimeout(idleTimer);
      if (!finished) {
        finished = true;
        this.hooks.onClosed();
      }
    });
    headerTimer = setTimeout(
      () =>
        finish(
          new KubeTimeoutError(
            `watch ${path}: no response within ${requestTimeoutMs} ms`,
          ),
        ),
      requestTimeoutMs,
    );
    // The server closes the watch after timeoutSeconds; silence well past that means a dead peer.
    const idleMs = watchTimeoutSeconds * 1000 + requestTimeoutMs;
    const touch = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () =>
          finish(
            new KubeTimeoutError(`watch ${path}: silent for ${idleMs} ms`),
          ),
        idleMs,
      );
    };
    const query: Record<string, string> = {
      watch: 'true',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(watchTimeoutSeconds),
    };
    for (const [key, value] of Object.entries(queryParams)) {
      if (value !== undefined && value !== '') query[key] = String(value);
    }
    try {
      const res = await this.transport.open(path, query, controller.signal);
      clearTimeout(headerTimer);
      if (finished) {
        res.destroy();
        return controller;
      }
      if (res.statusCode !== 200) {
        finish(
          httpError(res.statusCode ?? 0, await readBody(res, MAX_ERROR_BODY)),
        );
        return controller;
      }
      this.hooks.onConnected();
      touch();
      res.on('data', touch);
      res.on('error', err =>
        finish(new Error(`watch ${path}: connection lost (${err.message})`)),
      );
      res.on('close', () => finish(null));
      const lines = readline.createInterface({ input: res });
      // readline re-emits stream errors (such as our own abort) on itself.
      lines.on('error', err => finish(err));
      lines.on('line', line => {
        if (finished || !line.trim()) return;
        let event: { type?: string; object?: unknown };
        try {
          event = JSON.parse(line);
        } catch {
          return; // a torn line: the relist after the next error repairs the cache
        }
        this.hooks.onEvent();
        callback(event.type ?? '', event.object, event);
      });
    } catch (err) {
      if (!controller.signal.aborted) finish(err);
    }
    return controller;
  }
}

/**
 * GET-only HTTP to one API server: paginated lists and watches, every request bounded by the
 * cluster's timeout. Authentication and TLS come from the cluster's KubeConfig (token, token file,
 * exec plugins, client certificates, CA data).
 */
export class KubeTransport {
  constructor(
    private readonly kubeConfig: KubeConfig,
    readonly options: KubeTransportOptions,
  ) {}

  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '(no server)';
  }

  /** Lists a collection page by page; the version is the list's, for the watch that follows. */
  async list(
    path: string,
  ): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const page = (await this.getJson(path, {
        limit: String(this.options.pageSize),
        ...(continueToken ? { continue: continueToken } : {}),
      })) as {
        items?: KubeObject[];
        metadata?: { resourceVersion?: string; continue?: string };
      };
      items.push(...(page.items ?? []));
      resourceVersion ||= page.metadata?.resourceVersion ?? '';
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  async getJson(path: string, query: Record<string, string>): Promise<unknown> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(),
      this.options.requestTimeoutMs,
    );
    try {
      const res = await this.open(path, query, controller.signal);
      const body = await readBody(res, Number.POSITIVE_INFINITY);
      if (res.statusCode !== 200) {
        throw httpError(res.statusCode ?? 0, body);
      }
      return JSON.parse(body);
    } catch (e) {
      if (controller.signal.aborted) {
        throw new KubeTimeoutError(
          `GET ${path} timed out after ${this.options.requestTimeoutMs} ms`,
        );
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A watch with this cluster's timeouts, for client-node's ListWatch. */
  watcher(hooks: WatchHooks): Watch {
    return new BoundedWatch(this, this.kubeConfig, hooks);
  }

  /** Opens a GET; the caller reads (or abandons) the response. */
  async open(
    path: string,
    query: Record<string, string>,
    signal: AbortSignal,
  ): Promise<http.IncomingMessage> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) {
      throw new Error('The kubeconfig has no current cluster');
    }
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query)) {
      url.searchParams.set(key, value);
    }
    const options: https.RequestOptions = { headers: {} };
    await this.kubeConfig.applyToHTTPSOptions(options);
    const client = url.protocol === 'http:' ? http : https;
    return await new Promise((resolve, reject) => {
      const req = client.request(
        url,
        {
          method: 'GET',
          agent: options.agent,
          auth: options.auth,
          headers: { ...options.headers, Accept: 'application/json' },
          signal,
        },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
  }
}

function readBody(res: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function httpError(statusCode: number, body: string): KubeHttpError {
  let message = body.slice(0, 300);
  try {
    const status = JSON.parse(body) as { message?: string };
    if (status.message) message = status.message;
  } catch {
    // not a Status object
  }
  return new KubeHttpError(statusCode, `HTTP ${statusCode}: ${message}`);
}
