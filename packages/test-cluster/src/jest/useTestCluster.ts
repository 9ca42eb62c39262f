import { StartTestClusterOptions, TestCluster } from '../TestCluster';

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
  }, 40 * 60_000); // the first run on a machine builds the harness: 15-20 minutes
  afterAll(async () => {
    await cluster?.dispose();
  });
  return () => {
    if (!cluster) {
      throw new Error('The test cluster has not started (beforeAll failed?)');
    }
    return cluster;
  };
}
