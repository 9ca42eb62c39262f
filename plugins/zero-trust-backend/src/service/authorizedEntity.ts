import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

const validator = makeValidator();

/**
 * The entity a route or an action asks about: read from the catalog with the
 * caller's own credentials (an entity they cannot see does not exist for them), then every given
 * permission decided by the policy for that entity (conditional decisions included: the policy may
 * allow owners only).
 */
export async function authorizedEntity(options: {
  entityRef: string;
  credentials: BackstageCredentials;
  catalog: CatalogService;
  permissions: PermissionsService;
  require: ResourcePermission<'catalog-entity'>[];
}): Promise<Entity> {
  const { catalog, permissions, credentials } = options;
  let ref: string;
  try {
    const parsed = parseEntityRef(options.entityRef.trim(), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
    if (
      !validator.isValidKind(parsed.kind) ||
      !validator.isValidNamespace(parsed.namespace) ||
      !validator.isValidEntityName(parsed.name)
    ) {
      throw new Error('not a valid kind, namespace or name');
    }
    ref = stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
  } catch (e) {
    throw new InputError(
      `Invalid entity reference "${options.entityRef}": ${
        (e as Error).message
      }`,
    );
  }
  const entity = await catalog.getEntityByRef(ref, { credentials });
  if (!entity) {
    throw new NotFoundError(`No entity ${ref}`);
  }
  const decisions = await permissions.authorize(
    options.require.map(permission => ({ permission, resourceRef: ref })),
    { credentials },
  );
  const denied = options.require.filter(
    (_p, i) => decisions[i]?.result !== AuthorizeResult.ALLOW,
  );
  if (denied.length > 0) {
    throw new NotAllowedError(
      `Not allowed (${denied.map(p => p.name).join(', ')}) for ${ref}`,
    );
  }
  return entity;
}
