import http from 'node:http';
import { AddressInfo } from 'node:net';

interface Collection {
  items: Record<string, unknown>[];
  resourceVersion: string;
}

/** A request the fake API server received. */
export interface SeenRequest {
  path: string;
  watch: boolean;
  query: Record<string, string>;
  authorization?: string;
}

/**
 * A tiny stand-in for kube-apiserver on 127.0.0.1: list (with limit/continue), watch streams the
 * test pushes events into, status overrides (403, 404, 500), an expired-watch answer (410), and
 * a mode that accepts requests and never answers.
 */
export class FakeApiServer {
  readonly requests: SeenRequest[] = [];
  private readonly collections = new Map<string, Collection>();
  private readonly statuses = new Map<string, number>();
  private readonly gone = new Set<string>();
  private readonly watchers = new Map<string, http.ServerResponse[]>();
  private readonly open = new Set<http.ServerResponse>();
  private hangAll = false;
  private server: http.Server;
  private boundPort = 0;

  static async start(port = 0): Promise<FakeApiServer> {
    const fake = new FakeApiServer();
    await fake.listen(port);
    return fake;
  }

  private constructor() {
    this.server = this.create();
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setCollection(
    path: string,
    items: Record<string, unknown>[],
    resourceVersion = '100',
  ) {
    this.collections.set(path, { items, resourceVersion });
  }

  /** Answers every request on `path` with this status (list and watch). */
  setStatus(path: string, status: number | undefined) {
    if (status === undefined) this.statuses.delete(path);
    else this.statuses.set(path, status);
  }

  /** The next watch on `path` gets an ERROR event with code 410, then the stream ends. */
  expireNextWatch(path: string) {
    this.gone.add(path);
  }

  /** Accept every request and never answer. */
  hang(on = true) {
    this.hangAll = on;
  }

  /** Sends a watch event to every open watch on `path`. */
  push(path: string, type: string, object: Record<string, unknown>) {
    for (const res of this.watchers.get(path) ?? []) {
      res.write(`${JSON.stringify({ type, object })}\n`);
    }
  }

  openWatches(path: string): number {
    return (this.watchers.get(path) ?? []).filter(r => !r.writableEnded).length;
  }

  /** Ends the open watch streams on `path` as the server does after timeoutSeconds. */
  endWatches(path: string) {
    for (const res of this.watchers.get(path) ?? []) res.end();
    this.watchers.set(path, []);
  }

  listCount(path: string): number {
    return this.requests.filter(r => r.path === path && !r.watch).length;
  }

  /** Stops listening and drops every connection (the API server going away). */
  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.open.clear();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  /** Listens again on the same port (an API server restart). */
  async restart(): Promise<void> {
    const port = this.boundPort;
    if (this.server.listening) await this.close();
    this.server = this.create();
    await this.listen(port);
  }

  private listen(port: number): Promise<void> {
    return new Promise(resolve =>
      this.server.listen(port, '127.0.0.1', () => {
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      }),
    );
  }

  private create(): http.Server {
    return http.createServer((req, res) => this.handle(req, res));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const watch = query.watch === 'true';
    this.requests.push({
      path: url.pathname,
      watch,
      query,
      authorization: req.headers.authorization,
    });
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    if (this.hangAll) return;

    const status = this.statuses.get(url.pathname);
    if (status) {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          code: status,
          message: `fake status ${status} for ${url.pathname}`,
        }),
      );
      return;
    }
    const collection = this.collections.get(url.pathname);
    if (!collection) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 404,
          message: 'the server could not find the requested resource',
        }),
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (watch) {
      if (this.gone.delete(url.pathname)) {
        res.end(
          `${JSON.stringify({
            type: 'ERROR',
            object: {
              kind: 'Status',
              code: 410,
              reason: 'Expired',
              message: 'too old resource version',
            },
          })}\n`,
        );
        return;
      }
      res.flushHeaders();
      this.watchers.set(url.pathname, [
        ...(this.watchers.get(url.pathname) ?? []),
        res,
      ]);
      return;
    }
    // Typed lists carry no kind/apiVersion on their items; chunk with limit/continue.
    const offset = Number(query.continue ?? 0);
    const limit = Number(query.limit ?? collection.items.length);
    const page = collection.items.slice(offset, offset + limit);
    const next =
      offset + limit < collection.items.length
        ? String(offset + limit)
        : undefined;
    res.end(
      JSON.stringify({
        kind: 'List',
        metadata: {
          resourceVersion: collection.resourceVersion,
          continue: next,
        },
        items: page.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
      }),
    );
  }
}

/**
 * Polls until `check` returns (or resolves) without throwing, a Jest expectation, or rethrows its
 * last error at the deadline.
 */
export async function eventually(
  check: () => void | Promise<void>,
  timeoutMs = 5000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, intervalMs));
    }
  }
}
