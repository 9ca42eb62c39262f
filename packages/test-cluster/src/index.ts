/**
 * A real kube-apiserver with embedded etcd for tests and the demo.
 *
 * @packageDocumentation
 */

import { StartTestClusterOptions, TestCluster } from './TestCluster';

export { TestCluster, harnessBinary } from './TestCluster';
export type { StartTestClusterOptions } from './TestCluster';
export { useTestCluster } from './jest';

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
export { kubeRequest } from './kubeRequest';
