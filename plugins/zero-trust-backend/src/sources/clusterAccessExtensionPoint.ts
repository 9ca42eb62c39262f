import { createExtensionPoint } from '@backstage/backend-plugin-api';
import {
  AuthenticationStrategy,
  KubernetesClusterSupplierFactory,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';

/**
 * The interface for {@link zeroTrustClusterAccessExtensionPoint}.
 *
 * @public
 */
export interface ZeroTrustClusterAccessExtensionPoint {
  /**
   * Replaces the clusters found by `kubernetes.clusterLocatorMethods`, as
   * `kubernetesClusterSupplierExtensionPoint` does for the kubernetes plugin; a factory gets the
   * default supplier to wrap. One supplier at most.
   */
  addClusterSupplier(
    supplier: KubernetesClustersSupplier | KubernetesClusterSupplierFactory,
  ): void;
  /**
   * Adds (or replaces) the auth strategy for an `authProvider` key, as
   * `kubernetesAuthStrategyExtensionPoint` does for the kubernetes plugin.
   */
  addAuthStrategy(key: string, strategy: AuthenticationStrategy): void;
}

/**
 * Custom cluster suppliers and auth strategies for the Zero Trust backend. Backstage's extension
 * points belong to one plugin: what a module registers with the kubernetes plugin's
 * `kubernetesClusterSupplierExtensionPoint` or `kubernetesAuthStrategyExtensionPoint` reaches only
 * that plugin, and no service exposes it to others. This point takes the same types, so a module
 * can register the same supplier or strategy with both plugins.
 *
 * @public
 */
export const zeroTrustClusterAccessExtensionPoint =
  createExtensionPoint<ZeroTrustClusterAccessExtensionPoint>({
    id: 'zero-trust.cluster-access',
  });
