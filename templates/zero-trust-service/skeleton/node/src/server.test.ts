{%- if values.protocol == 'grpc' -%}
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { READINESS_SERVICE, startServer } from './server';

interface HealthClient extends grpc.Client {
  check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, response?: { status: string }) => void,
  ): void;
}

test('Health/Check reports SERVING', async t => {
  const server = await startServer('127.0.0.1', 0);
  t.after(() => server.shutdown(5000));

  const Client = grpc.makeClientConstructor(
    healthService as unknown as grpc.ServiceDefinition,
    'grpc.health.v1.Health',
  );
  const client = new Client(
    `127.0.0.1:${server.port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as HealthClient;
  t.after(() => client.close());

  // '' is what the liveness probe asks, READINESS_SERVICE what the readiness probe asks.
  for (const service of ['', READINESS_SERVICE]) {
    const response = await new Promise<{ status: string } | undefined>((resolve, reject) =>
      client.check({ service }, { deadline: Date.now() + 5000 }, (err, res) =>
        err ? reject(err) : resolve(res),
      ),
    );
    assert.equal(response?.status, 'SERVING', `Health/Check(${JSON.stringify(service)})`);
  }
});
{%- else -%}
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './server';

test('GET /healthz (liveness) and GET /readyz (readiness) report SERVING', async t => {
  const server = await startServer('127.0.0.1', 0);
  t.after(() => server.shutdown(5000));

  for (const path of ['/healthz', '/readyz']) {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      signal: AbortSignal.timeout(5000),
    });
    assert.equal(res.status, 200, path);
    assert.deepEqual(await res.json(), { status: 'SERVING' });
  }
});
{%- endif %}
