export interface Config {
  /**
   * Configuration of the Zero Trust backend plugin. Clusters themselves are configured once,
   * under `kubernetes.clusterLocatorMethods`, shared with Backstage's kubernetes plugin.
   */
  zeroTrust?: {};
}
