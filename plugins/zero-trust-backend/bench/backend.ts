/*
 * The backend under test, in a process of its own so its memory is its own: a real Backstage
 * backend (backend-defaults) with the auth backend and guest provider (real user tokens), the
 * catalog, the permission backend with its allow-all policy, Backstage's kubernetes backend and
 * ours, configured by the `--config` file the benchmark writes. It reports process.memoryUsage()
 * to the benchmark every 250 ms and after a full GC when asked.
 */
import { createBackend } from '@backstage/backend-defaults';

const report = (type: string) =>
  process.send?.({ type, time: Date.now(), ...process.memoryUsage() });

setInterval(() => report('memory'), 250).unref();
process.on('message', message => {
  if (message === 'gc') {
    const gc = (global as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    report('gc');
  }
});

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('../src'));
backend.start().then(
  () => report('started'),
  error => {
    console.error(error);
    process.exit(1);
  },
);
