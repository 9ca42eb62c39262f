import { createApiRef } from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ClusterHealth,
  EntityPosture,
} from '@zero-trust-k8s/plugin-zero-trust-common';

/**
 * Client of the Zero Trust backend's `/api/zero-trust/v1` routes.
 *
 * @public
 */
export interface ZeroTrustApi {
  getPosture(entity: CompoundEntityRef): Promise<EntityPosture>;
  getClusters(): Promise<ClusterHealth[]>;
}

/** @public */
export const zeroTrustApiRef = createApiRef<ZeroTrustApi>({
  id: 'plugin.zero-trust.service',
});
