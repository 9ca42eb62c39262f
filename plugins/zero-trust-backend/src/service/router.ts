import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EVIDENCE_FORMATS,
  zeroTrustPostureReadPermission,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { PostureService } from './PostureService';
import { ClusterRegistry } from './ClusterRegistry';
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

const entityParams = z.object({
  kind: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  name: z.string().regex(/^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/),
});

const paging = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};
const filter = z.string().max(200).optional();

const sbomQuery = z
  .object({
    ...paging,
    name: filter,
    type: filter,
    license: filter,
    format: z.enum(['json', 'cyclonedx']).default('json'),
  })
  .strict();

const vulnerabilityQuery = z
  .object({
    ...paging,
    minSeverity: z
      .enum(['critical', 'high', 'medium', 'low', 'unknown'])
      .optional(),
    fixable: z
      .enum(['true', 'false'])
      .transform(v => v === 'true')
      .optional(),
  })
  .strict();

const evidenceQuery = z
  .object({ format: z.enum(EVIDENCE_FORMATS).default('json') })
  .strict();

function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      `Invalid ${what}: ${result.error.issues
        .map(i => `${i.path.join('.') || what}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return result.data;
}

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  posture: PostureService;
  clusters: ClusterRegistry;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, posture, clusters } = options;
  const router = Router();
  router.use(express.json());

  /**
   * The entity of the request path, read with the caller's own credentials (an entity they cannot
   * read does not exist for them: 404), after the permission policy allowed its posture.
   */
  async function authorizedEntity(req: express.Request): Promise<{
    entity: Entity;
    entityRef: string;
    credentials: BackstageCredentials;
  }> {
    const params = parse(entityParams, req.params, 'entity reference');
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entityRef = stringifyEntityRef(params).toLocaleLowerCase('en-US');
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    const [decision] = await permissions.authorize(
      [{ permission: zeroTrustPostureReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read the posture of ${entityRef}`,
      );
    }
    return { entity, entityRef: stringifyEntityRef(entity), credentials };
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/v1/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: clusters.list() });
  });

  const entityPath = '/v1/entities/:kind/:namespace/:name';

  router.get(`${entityPath}/posture`, async (req, res) => {
    const { entity, credentials } = await authorizedEntity(req);
    res.json(await posture.postureOf(entity, credentials));
  });

  router.get(`${entityPath}/sbom`, async (req, res) => {
    const query = parse(sbomQuery, req.query, 'query');
    const { entity, entityRef } = await authorizedEntity(req);
    const workloads = posture.workloadsOf(entity);
    const components = sbomComponents(workloads);
    if (query.format === 'cyclonedx') {
      // attachment() sets a type from the extension; the CycloneDX media type goes after it.
      res
        .attachment(`${entity.metadata.name}.cdx.json`)
        .type('application/vnd.cyclonedx+json')
        .send(cycloneDxBom(entityRef, components));
      return;
    }
    res.json(sbomPage(entityRef, components, sbomImages(workloads), query));
  });

  router.get(`${entityPath}/vulnerabilities`, async (req, res) => {
    const query = parse(vulnerabilityQuery, req.query, 'query');
    const { entity, entityRef } = await authorizedEntity(req);
    res.json(
      vulnerabilityPage(
        entityRef,
        vulnerabilityItems(posture.workloadsOf(entity)),
        query,
      ),
    );
  });

  router.get(`${entityPath}/evidence`, async (req, res) => {
    const { format } = parse(evidenceQuery, req.query, 'query');
    const { entity, credentials } = await authorizedEntity(req);
    const data = evidenceExport(await posture.postureOf(entity, credentials));
    const file = `${entity.metadata.name}-zero-trust-evidence`;
    if (format === 'csv') {
      res.attachment(`${file}.csv`).type('text/csv').send(evidenceCsv(data));
    } else if (format === 'markdown') {
      res
        .attachment(`${file}.md`)
        .type('text/markdown')
        .send(evidenceMarkdown(data));
    } else {
      res.json(data);
    }
  });

  return router;
}
