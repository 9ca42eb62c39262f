import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { ClusterSource } from './types';

/**
 * The interface for {@link zeroTrustEvidenceSourcesExtensionPoint}.
 *
 * @public
 */
export interface ZeroTrustEvidenceSourcesExtensionPoint {
  /**
   * Adds a source of cluster objects beside the live clusters and snapshots, e.g. an inventory
   * service or an export of another tool. Its name must differ from every other cluster's.
   */
  addClusterSource(source: ClusterSource): void;
}

/**
 * Evidence from elsewhere than the clusters the kubernetes plugin's locators find. To replace
 * where live clusters come from, use `zeroTrustClusterAccessExtensionPoint.addClusterSupplier`.
 *
 * @public
 */
export const zeroTrustEvidenceSourcesExtensionPoint =
  createExtensionPoint<ZeroTrustEvidenceSourcesExtensionPoint>({
    id: 'zero-trust.evidence-sources',
  });
