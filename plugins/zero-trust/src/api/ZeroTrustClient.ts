import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ClusterHealth,
  EntityPosture,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ZeroTrustApi } from './ZeroTrustApi';

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
    const path = [entity.kind, entity.namespace, entity.name]
      .map(p => encodeURIComponent(p.toLocaleLowerCase('en-US')))
      .join('/');
    return this.get(`/v1/entities/${path}/posture`);
  }

  async getClusters(): Promise<ClusterHealth[]> {
    const body = await this.get<{ items: ClusterHealth[] }>('/v1/clusters');
    return body.items;
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('zero-trust');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
