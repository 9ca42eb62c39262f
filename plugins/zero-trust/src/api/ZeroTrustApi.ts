import { createApiRef } from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ClusterHealth,
  EntityPosture,
  EvidenceFormat,
  SbomPage,
  SbomQuery,
  VulnerabilityPage,
  VulnerabilityQuery,
} from '@zero-trust-k8s/plugin-zero-trust-common';

/**
 * Client of the Zero Trust backend's `/api/zero-trust/v1` routes.
 *
 * @public
 */
export interface ZeroTrustApi {
  getPosture(entity: CompoundEntityRef): Promise<EntityPosture>;
  getClusters(): Promise<ClusterHealth[]>;
  getSbom(entity: CompoundEntityRef, query?: SbomQuery): Promise<SbomPage>;
  /** The entity's SBOM as one CycloneDX 1.5 JSON document. */
  downloadSbom(entity: CompoundEntityRef): Promise<Blob>;
  getVulnerabilities(
    entity: CompoundEntityRef,
    query?: VulnerabilityQuery,
  ): Promise<VulnerabilityPage>;
  /** The evidence export in JSON, CSV or Markdown. */
  downloadEvidence(
    entity: CompoundEntityRef,
    format: EvidenceFormat,
  ): Promise<Blob>;
}

/** @public */
export const zeroTrustApiRef = createApiRef<ZeroTrustApi>({
  id: 'plugin.zero-trust.service',
});
