import { StartTestClusterOptions, TestCluster } from '../TestCluster';

/** Where the cluster started by the global setup waits for the global teardown. */
const GLOBAL_KEY = '__ztTestCluster';

/** The environment variable that tells test files the admin kubeconfig of the shared cluster. */
export const TEST_KUBECONFIG_ENV = 'ZT_TEST_KUBECONFIG';

/**
 * Makes a Jest `globalSetup` that starts one test cluster for the whole run and puts its admin
 * kubeconfig path in `process.env.ZT_TEST_KUBECONFIG` (workers inherit it). Pair it with
 * {@link globalTeardown}. In a package's Jest configuration:
 *
 * ```ts
 * // src/setupTestCluster.ts, named by "jest": { "globalSetup": "<rootDir>/src/setupTestCluster.ts" }
 * export default createGlobalSetup({ onlineBoutique: true });
 * ```
 *
 * @public
 */
export function createGlobalSetup(
  options?: StartTestClusterOptions,
): () => Promise<void> {
  return async () => {
    const cluster = await TestCluster.start(options);
    (globalThis as Record<string, unknown>)[GLOBAL_KEY] = cluster;
    process.env[TEST_KUBECONFIG_ENV] = cluster.kubeconfigPath;
  };
}

/**
 * The ready-made global setup: upstream CRDs, examples/rbac and the Online Boutique state.
 *
 * @public
 */
export const globalSetup = createGlobalSetup({ onlineBoutique: true });

/**
 * Jest `globalTeardown`: stops the cluster {@link createGlobalSetup} started and deletes its data.
 *
 * @public
 */
export async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as Record<string, unknown>)[GLOBAL_KEY] as
    | TestCluster
    | undefined;
  delete (globalThis as Record<string, unknown>)[GLOBAL_KEY];
  delete process.env[TEST_KUBECONFIG_ENV];
  await cluster?.dispose();
}

/**
 * In a test file: the admin kubeconfig path of the cluster the global setup started. Throws
 * (never skips) when the global setup is not configured.
 *
 * @public
 */
export function testKubeconfigPath(): string {
  const file = process.env[TEST_KUBECONFIG_ENV];
  if (!file) {
    throw new Error(
      `${TEST_KUBECONFIG_ENV} is not set: configure the test-cluster Jest globalSetup (createGlobalSetup) for this package`,
    );
  }
  return file;
}

export default globalSetup;
