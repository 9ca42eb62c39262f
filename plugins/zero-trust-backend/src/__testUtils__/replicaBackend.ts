/*
 * One backend replica for src/integration/replicaCrash.test.ts, in a process of its own so the test
 * can kill it with SIGKILL: a real Backstage backend (backend-defaults, configured by the `--config`
 * file the test writes) with this plugin and the Online Boutique catalog in memory. Started with
 * NODE_ENV=development, so its scheduler runs the janitor that frees expired task locks, as in
 * production (backend-defaults' DefaultSchedulerService skips it when NODE_ENV is 'test').
 * Tells its parent 'started' once the backend has started.
 */
import { createBackend } from '@backstage/backend-defaults';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { boutiqueEntities } from './boutiqueCatalog';

const backend = createBackend();
backend.add(catalogServiceMock.factory({ entities: boutiqueEntities() }));
backend.add(import('../index'));
backend.start().then(
  () => process.send?.('started'),
  error => {
    console.error(error);
    process.exit(1);
  },
);
