import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { ZeroTrustCollector } from './types';

/**
 * The interface for {@link zeroTrustCollectorsExtensionPoint}.
 *
 * @public
 */
export interface ZeroTrustCollectorsExtensionPoint {
  /**
   * Adds a control of the installation's own (a new id, shown after the built-in controls and
   * weighing 1 in the score), or replaces a built-in control's collector (its id).
   */
  addCollector(collector: ZeroTrustCollector): void;
}

/**
 * Controls a team adds to every posture: a module registers a collector that judges the entity's
 * workloads from the backend's caches, the way the built-in collectors (registered through the same
 * point) do.
 *
 * @public
 */
export const zeroTrustCollectorsExtensionPoint =
  createExtensionPoint<ZeroTrustCollectorsExtensionPoint>({
    id: 'zero-trust.collectors',
  });
