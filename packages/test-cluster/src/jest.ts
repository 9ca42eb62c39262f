import { StartTestClusterOptions, TestCluster } from './TestCluster';

/**
 * Starts one test cluster for a Jest test file and stops it afterwards. Returns a getter, as the
 * cluster exists only once `beforeAll` has run.
 *
 * @public
 */
export function useTestCluster(
  options?: StartTestClusterOptions,
): () => TestCluster {
  let cluster: TestCluster | undefined;
  beforeAll(async () => {
    cluster = await TestCluster.start(options);
  }, 600_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) {
      throw new Error('The test cluster has not started (beforeAll failed?)');
    }
    return cluster;
  };
}
