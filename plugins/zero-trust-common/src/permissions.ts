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
 * Exporting the Zero Trust evidence of a catalog entity (the audit export: every control with the
 * live objects that prove it). A resource permission on catalog entities, so a policy can answer
 * with the catalog's conditions, e.g. `catalogConditions.isEntityOwner` to keep exports to the
 * entity's owners. Checked in addition to {@link zeroTrustPostureReadPermission}.
 *
 * @public
 */
export const zeroTrustEvidenceExportPermission = createPermission({
  name: 'zero-trust.evidence.export',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * Every permission of the Zero Trust plugin.
 *
 * @public
 */
export const zeroTrustPermissions = [
  zeroTrustPostureReadPermission,
  zeroTrustEvidenceExportPermission,
];
