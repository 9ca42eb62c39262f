import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ClusterHealth,
  EntityPosture,
  EvidenceFormat,
  SbomPage,
  SbomQuery,
  VulnerabilityPage,
  VulnerabilityQuery,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ZeroTrustApi } from './ZeroTrustApi';

/** `?a=1&b=x` from the defined values of a query object. */
function queryString(query: object = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Default {@link ZeroTrustApi} implementation over Backstage's discovery and fetch APIs.
 *
 * @public
 */
export class ZeroTrustClient implements ZeroTrustApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async getPosture(entity: CompoundEntityRef): Promise<EntityPosture> {
    return (await this.fetch(`${this.entityPath(entity)}/posture`)).json();
  }

  async getClusters(): Promise<ClusterHealth[]> {
    const body = (await (await this.fetch('/v1/clusters')).json()) as {
      items: ClusterHealth[];
    };
    return body.items;
  }

  async getSbom(
    entity: CompoundEntityRef,
    query?: SbomQuery,
  ): Promise<SbomPage> {
    return (
      await this.fetch(`${this.entityPath(entity)}/sbom${queryString(query)}`)
    ).json();
  }

  async downloadSbom(entity: CompoundEntityRef): Promise<Blob> {
    return (
      await this.fetch(`${this.entityPath(entity)}/sbom?format=cyclonedx`)
    ).blob();
  }

  async getVulnerabilities(
    entity: CompoundEntityRef,
    query?: VulnerabilityQuery,
  ): Promise<VulnerabilityPage> {
    return (
      await this.fetch(
        `${this.entityPath(entity)}/vulnerabilities${queryString(query)}`,
      )
    ).json();
  }

  async downloadEvidence(
    entity: CompoundEntityRef,
    format: EvidenceFormat,
  ): Promise<Blob> {
    return (
      await this.fetch(`${this.entityPath(entity)}/evidence?format=${format}`)
    ).blob();
  }

  private entityPath(entity: CompoundEntityRef): string {
    const path = [entity.kind, entity.namespace, entity.name]
      .map(p => encodeURIComponent(p.toLocaleLowerCase('en-US')))
      .join('/');
    return `/v1/entities/${path}`;
  }

  private async fetch(path: string): Promise<Response> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('zero-trust');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
