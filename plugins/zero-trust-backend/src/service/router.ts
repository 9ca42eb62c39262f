import express from 'express';
import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  ClusterHealth,
  zeroTrustEvidenceExportPermission,
  zeroTrustPostureReadPermission,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { authorizedEntity } from './authorizedEntity';
import { createOpenApiRouter } from '../schema/openapi';
import { PostureService } from './PostureService';
import { ClusterRegistry } from './ClusterRegistry';
import type { PostureStore } from '../store/PostureStore';
import {
  evidenceCsv,
  evidenceExport,
  evidenceMarkdown,
} from './evidenceExport';
import {
  cycloneDxBom,
  sbomComponents,
  sbomImages,
  sbomPage,
  vulnerabilityItems,
  vulnerabilityPage,
} from './reportItems';

/** The spec's paging defaults, for a query the validator checked but did not complete. */
function paging(query: { offset?: number; limit?: number }): {
  offset: number;
  limit: number;
} {
  return { offset: query.offset ?? 0, limit: query.limit ?? 50 };
}

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  posture: PostureService;
  clusters: ClusterRegistry;
  /** The posture store of several replicas; without it the history is empty. */
  store?: PostureStore;
  /** With several replicas: each cluster's health as the replica watching it sees it. */
  clusterHealth?: (local: ClusterHealth[]) => Promise<ClusterHealth[]>;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, posture, clusters, store } = options;
  const clusterHealth = options.clusterHealth ?? (async l => l);
  // Routes, parameters and responses are those of src/schema/openapi.yaml: the generated router
  // validates every request against it (a bad path or query parameter, or an unknown query
  // parameter, is an InputError, so 400 with the validator's message) and types the handlers.
  const router = await createOpenApiRouter();

  /**
   * The entity of the request path, read with the caller's own credentials (an entity they cannot
   * read does not exist for them: 404), after the permission policy allowed each permission.
   */
  async function authorizedEntityOf(
    req: Parameters<HttpAuthService['credentials']>[0],
    path: { kind: string; namespace: string; entityName: string },
    require: ResourcePermission<'catalog-entity'>[] = [
      zeroTrustPostureReadPermission,
    ],
  ): Promise<{
    entity: Entity;
    entityRef: string;
    credentials: BackstageCredentials;
  }> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entity = await authorizedEntity({
      entityRef: `${path.kind}:${path.namespace}/${path.entityName}`,
      credentials,
      catalog,
      permissions,
      require,
    });
    return { entity, entityRef: stringifyEntityRef(entity), credentials };
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/v1/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: await clusterHealth(clusters.list()) });
  });

  router.get(
    '/v1/entities/:kind/:namespace/:entityName/posture',
    async (req, res) => {
      const { entity, credentials } = await authorizedEntityOf(req, req.params);
      res.json(await posture.postureOf(entity, credentials));
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:entityName/history',
    async (req, res) => {
      const { entityRef } = await authorizedEntityOf(req, req.params);
      const { control, since } = req.query;
      // The validator checked `since` is a date-time; it stays a string at run time.
      const items = store
        ? await store.history(entityRef, {
            control,
            since: since === undefined ? undefined : new Date(since),
          })
        : [];
      res.json({ entityRef, items });
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:entityName/sbom',
    async (req, res) => {
      const { entity, entityRef } = await authorizedEntityOf(req, req.params);
      const workloads = posture.workloadsOf(entity);
      const components = sbomComponents(workloads);
      if (req.query.format === 'cyclonedx') {
        // The generated types cover the JSON response; the downloads are other media types.
        // attachment() sets a type from the extension; the CycloneDX media type goes after it.
        (res as express.Response)
          .attachment(`${entity.metadata.name}.cdx.json`)
          .type('application/vnd.cyclonedx+json')
          .send(cycloneDxBom(entityRef, components));
        return;
      }
      res.json(
        sbomPage(entityRef, components, sbomImages(workloads), {
          ...req.query,
          ...paging(req.query),
        }),
      );
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:entityName/vulnerabilities',
    async (req, res) => {
      const { entity, entityRef } = await authorizedEntityOf(req, req.params);
      res.json(
        vulnerabilityPage(
          entityRef,
          vulnerabilityItems(posture.workloadsOf(entity)),
          { ...req.query, ...paging(req.query) },
        ),
      );
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:entityName/evidence',
    async (req, res) => {
      const { entity, credentials } = await authorizedEntityOf(
        req,
        req.params,
        [zeroTrustPostureReadPermission, zeroTrustEvidenceExportPermission],
      );
      const data = evidenceExport(await posture.postureOf(entity, credentials));
      const file = `${entity.metadata.name}-zero-trust-evidence`;
      const format = req.query.format ?? 'json';
      // The generated types cover the JSON response; the downloads are other media types.
      const download = res as express.Response;
      if (format === 'csv') {
        download
          .attachment(`${file}.csv`)
          .type('text/csv')
          .send(evidenceCsv(data));
      } else if (format === 'markdown') {
        download
          .attachment(`${file}.md`)
          .type('text/markdown')
          .send(evidenceMarkdown(data));
      } else {
        res.json(data);
      }
    },
  );

  return router;
}
