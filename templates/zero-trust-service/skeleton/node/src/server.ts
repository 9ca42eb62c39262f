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
 * The service name kubelet's readiness probe asks Health/Check about (the ServiceSpec's
 * grpcReadinessService). The liveness probe asks about the whole server (''), so an instance
 * that cannot take calls for a while (a dependency down) sets it NOT_SERVING and leaves the
 * Service's endpoints, without being restarted.
 */
export const READINESS_SERVICE = 'readiness';

/**
 * Starts the gRPC server with the standard health service (grpc.health.v1.Health) that
 * kubelet's gRPC probes and the mesh ask whether this instance is alive and takes calls.
 */
export async function startServer(host: string, port: number): Promise<RunningServer> {
  const server = new grpc.Server();
  const health = new HealthImplementation({ '': 'SERVING', [READINESS_SERVICE]: 'SERVING' });
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
        health.setStatus(READINESS_SERVICE, 'NOT_SERVING');
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
   * Drains the server: /readyz turns 503 so no new requests are routed here, in-flight
   * requests get `timeoutMs` to finish, and whatever is left is cut off.
   */
  shutdown(timeoutMs: number): Promise<void>;
}

/**
 * Starts the HTTP server with the endpoints kubelet's HTTP probes call: GET /healthz (liveness:
 * the process answers; failing it restarts the container) and GET /readyz (readiness: this
 * instance takes requests; failing it only takes the pod out of the Service, e.g. while draining
 * or while a dependency is down).
 */
export async function startServer(host: string, port: number): Promise<RunningServer> {
  let ready = true;
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && (pathname === '/healthz' || pathname === '/readyz')) {
      const serving = pathname === '/healthz' || ready;
      res.writeHead(serving ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: serving ? 'SERVING' : 'NOT_SERVING' }));
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
