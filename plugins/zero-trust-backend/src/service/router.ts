import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { zeroTrustPostureReadPermission } from '@zero-trust-k8s/plugin-zero-trust-common';
import { PostureService } from './PostureService';
import { ClusterRegistry } from './ClusterRegistry';

const entityParams = z.object({
  kind: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  name: z.string().regex(/^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/),
});

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

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/v1/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: clusters.list() });
  });

  router.get(
    '/v1/entities/:kind/:namespace/:name/posture',
    async (req, res) => {
      const parsed = entityParams.safeParse(req.params);
      if (!parsed.success) {
        throw new InputError(
          `Invalid entity reference: ${parsed.error.message}`,
        );
      }
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const entityRef = stringifyEntityRef(parsed.data).toLocaleLowerCase(
        'en-US',
      );
      // The caller's own credentials: an entity they cannot read does not exist for them.
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      if (!entity) {
        throw new NotFoundError(`No entity ${entityRef}`);
      }
      const [decision] = await permissions.authorize(
        [
          {
            permission: zeroTrustPostureReadPermission,
            resourceRef: entityRef,
          },
        ],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `Not allowed to read the posture of ${entityRef}`,
        );
      }
      res.json(await posture.postureOf(entity));
    },
  );

  return router;
}
