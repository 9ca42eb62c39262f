import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_API_CONSUMED_BY,
  RELATION_DEPENDENCY_OF,
  RELATION_PROVIDES_API,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { servicePeerFromEntity } from '@zero-trust-k8s/plugin-zero-trust-node';
import { DeclaredCaller } from './policyDrift';

const targets = (entity: Entity, type: string) =>
  (entity.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);

const isComponent = (ref: string) => parseEntityRef(ref).kind === 'component';

/**
 * The components the catalog says call this one: those that depend on it (`dependsOn`) and those
 * that consume an API it provides (`consumesApis`), read with the viewer's credentials, each with
 * the mesh identity its annotations give it.
 */
export async function declaredCallers(
  entity: Entity,
  catalog: CatalogService,
  credentials: BackstageCredentials,
  trustDomain: string,
): Promise<DeclaredCaller[]> {
  const refs = await callerRefs(entity, catalog, credentials);
  if (refs.size === 0) {
    return [];
  }
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: [...refs] },
    { credentials },
  );
  return items
    .filter((e): e is Entity => Boolean(e))
    .map(caller => {
      const entityRef = stringifyEntityRef(caller);
      try {
        const peer = servicePeerFromEntity(caller);
        return {
          entityRef,
          namespace: peer.namespace,
          principal: `${trustDomain}/ns/${peer.namespace}/sa/${peer.serviceAccount}`,
        };
      } catch (e) {
        return { entityRef, reason: (e as Error).message };
      }
    })
    .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
}

/** The refs of the components the catalog says call this one (see {@link declaredCallers}). */
export async function callerRefs(
  entity: Entity,
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<Set<string>> {
  const self = stringifyEntityRef(entity);
  const refs = new Set(
    targets(entity, RELATION_DEPENDENCY_OF).filter(isComponent),
  );
  const apiRefs = targets(entity, RELATION_PROVIDES_API);
  if (apiRefs.length > 0) {
    const { items: apis } = await catalog.getEntitiesByRefs(
      { entityRefs: apiRefs },
      { credentials },
    );
    for (const api of apis) {
      if (api) {
        targets(api, RELATION_API_CONSUMED_BY)
          .filter(isComponent)
          .forEach(ref => refs.add(ref));
      }
    }
  }
  refs.delete(self);
  return refs;
}
