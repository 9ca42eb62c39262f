import { PermissionsService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { PostureService } from '../service/PostureService';

/** What each action factory needs: the registry, and the services the REST routes use. */
export interface ZeroTrustActionsOptions {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  permissions: PermissionsService;
  posture: PostureService;
}

/** The input every action takes: the entity, as a full or short reference. */
export const ENTITY_REF_DESCRIPTION =
  'The catalog entity, as an entity reference "kind:namespace/name"; the kind defaults to component and the namespace to default, so "cartservice" is "component:default/cartservice". Components and Systems have a posture.';
