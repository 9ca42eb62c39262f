import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ClusterHealth,
  EntityPosture,
  EvidenceFormat,
  SbomPage,
  SbomQuery,
  TypedResponse,
  VulnerabilityPage,
  VulnerabilityQuery,
  ZeroTrustApiClient,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ZeroTrustApi } from './ZeroTrustApi';

/** The path parameters of an entity's routes; the backend matches kind and name case-insensitively. */
function entityPath(entity: CompoundEntityRef) {
  const lower = (s: string) => s.toLocaleLowerCase('en-US');
  return {
    kind: lower(entity.kind),
    namespace: lower(entity.namespace),
    entityName: lower(entity.name),
  };
}

/** The query without unset filters: an empty text field filters nothing, so it is not sent. */
function definedOnly<T extends object>(query: T | undefined): T {
  return Object.fromEntries(
    Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== ''),
  ) as T;
}

/** The response, or a ResponseError carrying the backend's error. */
async function ok<R extends TypedResponse<unknown>>(response: R): Promise<R> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return response;
}

/**
 * Default {@link ZeroTrustApi} implementation over Backstage's discovery and fetch APIs: a thin
 * wrapper of the client generated from the backend's OpenAPI spec.
 *
 * @public
 */
export class ZeroTrustClient implements ZeroTrustApi {
  private readonly client: ZeroTrustApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.client = new ZeroTrustApiClient(options);
  }

  async getPosture(entity: CompoundEntityRef): Promise<EntityPosture> {
    const response = await ok(
      await this.client.getPosture({ path: entityPath(entity) }),
    );
    // The generated type has open control ids; the built-in ones narrow to typed details.
    return (await response.json()) as EntityPosture;
  }

  async getClusters(): Promise<ClusterHealth[]> {
    const response = await ok(await this.client.getClusters({}));
    return (await response.json()).items;
  }

  async getSbom(
    entity: CompoundEntityRef,
    query?: SbomQuery,
  ): Promise<SbomPage> {
    const response = await ok(
      await this.client.getSbom({
        path: entityPath(entity),
        query: definedOnly(query),
      }),
    );
    return response.json();
  }

  async downloadSbom(entity: CompoundEntityRef): Promise<Blob> {
    const response = await ok(
      await this.client.getSbom({
        path: entityPath(entity),
        query: { format: 'cyclonedx' },
      }),
    );
    return response.blob();
  }

  async getVulnerabilities(
    entity: CompoundEntityRef,
    query?: VulnerabilityQuery,
  ): Promise<VulnerabilityPage> {
    const response = await ok(
      await this.client.getVulnerabilities({
        path: entityPath(entity),
        query: definedOnly(query),
      }),
    );
    return response.json();
  }

  async downloadEvidence(
    entity: CompoundEntityRef,
    format: EvidenceFormat,
  ): Promise<Blob> {
    const response = await ok(
      await this.client.getEvidence({
        path: entityPath(entity),
        query: { format },
      }),
    );
    return response.blob();
  }
}
