import { Entity, CompoundEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';

/**
 * Builds the URL of an entity's page (`/catalog/default/component/adservice`), or returns
 * `undefined` for every entity where the app mounts no entity page (a bare test render, an
 * embedding without the catalog): links are then left out rather than broken.
 */
export function useEntityPageUrl(): (
  entity: Entity | CompoundEntityRef | string,
) => string | undefined {
  let route:
    | ((params: ReturnType<typeof entityRouteParams>) => string)
    | undefined;
  try {
    // Called on every render, in the same order: useRouteRef calls all of its own hooks before
    // it throws for an unmounted ref, so catching that keeps the rules of hooks.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    route = useRouteRef(entityRouteRef);
  } catch {
    route = undefined;
  }
  return entity => (route ? route(entityRouteParams(entity)) : undefined);
}

/** `base` + `path` with exactly one slash between them. */
export function joinPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
