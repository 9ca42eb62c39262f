export interface Config {
  /**
   * Configuration of the Zero Trust backend plugin. Live clusters are configured once, under
   * `kubernetes.clusterLocatorMethods`, shared with Backstage's kubernetes plugin.
   */
  zeroTrust?: {
    /**
     * Read-only clusters read from folders of manifests (for example `kubectl get … -o yaml`
     * output), for offline evidence review and demos. Nothing is ever written back.
     */
    snapshots?: Array<{
      /** The cluster name shown in evidence and matched by `backstage.io/kubernetes-cluster`. */
      name: string;
      /** The folder, absolute or relative to the backend's working directory; read recursively. */
      path: string;
    }>;
  };
}
