{%- if values.protocol == 'grpc' -%}
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';

export interface RunningServer {
  /** The port actually bound: the configured one, or a free one when asked for port 0. */
  port: number;
  /**
   * Drains the server: health turns NOT_SERVING so no new calls are routed here, in-flight
   * calls get `timeoutMs` to finish, and whatever is left is cut off.
   */
  shutdown(timeoutMs: number): Promise<void>;
}

/**
 * Starts the gRPC server with the standard health service (grpc.health.v1.Health) that
 * kubelet's gRPC probes and the mesh ask whether this instance takes calls.
 */
export async function startServer(host: string, port: number): Promise<RunningServer> {
  const server = new grpc.Server();
  const health = new HealthImplementation({ '': 'SERVING' });
  health.addToServer(server);
  // Register your services here, e.g. server.addService(CartServiceService, cartService).

  const boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });

  return {
    port: boundPort,
    shutdown: timeoutMs =>
      new Promise<void>(resolve => {
        health.setStatus('', 'NOT_SERVING');
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
{%- else -%}
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export interface RunningServer {
  /** The port actually bound: the configured one, or a free one when asked for port 0. */
  port: number;
  /**
   * Drains the server: /healthz turns 503 so no new requests are routed here, in-flight
   * requests get `timeoutMs` to finish, and whatever is left is cut off.
   */
  shutdown(timeoutMs: number): Promise<void>;
}

/** Starts the HTTP server with the health endpoint kubelet's HTTP probes call (GET /healthz). */
export async function startServer(host: string, port: number): Promise<RunningServer> {
  let ready = true;
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && pathname === '/healthz') {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ready ? 'SERVING' : 'NOT_SERVING' }));
      return;
    }
    // Add your routes here.
    res.writeHead(404).end();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port: (server.address() as AddressInfo).port,
    shutdown: timeoutMs =>
      new Promise<void>(resolve => {
        ready = false;
        const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
{%- endif %}
