import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PORT, loadConfig } from './config';

test('defaults', () => {
  assert.deepEqual(loadConfig({}), {
    host: '0.0.0.0',
    port: DEFAULT_PORT,
    shutdownTimeoutMs: 10_000,
  });
});

test('reads PORT, HOST and SHUTDOWN_TIMEOUT', () => {
  assert.deepEqual(loadConfig({ HOST: '127.0.0.1', PORT: '9000', SHUTDOWN_TIMEOUT: '3s' }), {
    host: '127.0.0.1',
    port: 9000,
    shutdownTimeoutMs: 3000,
  });
});

test('rejects invalid values', () => {
  for (const env of [
    { PORT: 'http' },
    { PORT: '0' },
    { PORT: '70000' },
    { SHUTDOWN_TIMEOUT: '10' },
    { SHUTDOWN_TIMEOUT: '0s' },
  ]) {
    assert.throws(() => loadConfig(env), Error, JSON.stringify(env));
  }
});
