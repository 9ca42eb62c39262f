import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading the Zero Trust posture (and its SBOM and evidence) of a catalog entity.
 *
 * @public
 */
export const zeroTrustPostureReadPermission = createPermission({
  name: 'zero-trust.posture.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * Every permission of the Zero Trust plugin.
 *
 * @public
 */
export const zeroTrustPermissions = [zeroTrustPostureReadPermission];
