/**
 * A real kube-apiserver with embedded etcd for tests and the demo.
 *
 * @packageDocumentation
 */

import { StartTestClusterOptions, TestCluster } from './TestCluster';

export { TestCluster, fetchCrds, harnessBinary } from './TestCluster';
export type { StartTestClusterOptions } from './TestCluster';
export {
  useTestCluster,
  createGlobalSetup,
  globalSetup,
  globalTeardown,
  testKubeconfigPath,
  TEST_KUBECONFIG_ENV,
} from './jest';
export { expectReadOnlyAccess } from './expectReadOnlyAccess';
export type { AccessKind, ReadOnlyAccessOptions } from './expectReadOnlyAccess';
export { kubeRequest } from './kubeRequest';
export { eventually } from './eventually';

/**
 * Starts a test cluster; see {@link StartTestClusterOptions}.
 *
 * @public
 */
export function startTestCluster(
  options?: StartTestClusterOptions,
): Promise<TestCluster> {
  return TestCluster.start(options);
}
