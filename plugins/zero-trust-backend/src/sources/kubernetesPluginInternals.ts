import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthenticationStrategy,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';

/**
 * The cluster supplier Backstage's kubernetes plugin builds from `kubernetes.clusterLocatorMethods`
 * (the `config`, `catalog`, `gke` and `localKubectlProxy` locators, with `clusterLocatorContinueOnError`
 * and the duplicate-name warning). Version 0.21 of `@backstage/plugin-kubernetes-backend` does not
 * export it from its entry point (its locators live behind the plugin's own initializer), so it is
 * loaded from the package's build, which has no `exports` map restricting deep imports. The locator
 * tests (clusterAccess.test.ts) fail on an upgrade that moves it.
 */
export type GetCombinedClusterSupplier = (
  rootConfig: Config,
  catalogService: CatalogService,
  authStrategy: AuthenticationStrategy,
  logger: LoggerService,
  refreshInterval: undefined,
  auth: AuthService,
) => KubernetesClustersSupplier;

const CLUSTER_LOCATOR_MODULE =
  '@backstage/plugin-kubernetes-backend/dist/cluster-locator/index.cjs.js';

export function loadKubernetesClusterSupplier(): GetCombinedClusterSupplier {
  let loaded: { getCombinedClusterSupplier?: unknown };
  try {
    // eslint-disable-next-line @backstage/no-relative-monorepo-imports, @backstage/no-undeclared-imports
    loaded = require(CLUSTER_LOCATOR_MODULE);
  } catch (e) {
    throw new Error(
      `Cannot load the cluster locators of @backstage/plugin-kubernetes-backend (${
        (e as Error).message
      }); this version of the Zero Trust backend needs @backstage/plugin-kubernetes-backend ^0.21`,
    );
  }
  if (typeof loaded.getCombinedClusterSupplier !== 'function') {
    throw new Error(
      '@backstage/plugin-kubernetes-backend no longer provides getCombinedClusterSupplier; this version of the Zero Trust backend needs @backstage/plugin-kubernetes-backend ^0.21',
    );
  }
  return loaded.getCombinedClusterSupplier as GetCombinedClusterSupplier;
}
