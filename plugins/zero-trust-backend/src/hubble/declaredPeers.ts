import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_API_PROVIDED_BY,
  RELATION_CONSUMES_API,
  RELATION_DEPENDS_ON,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { servicePeerFromEntity } from '@zero-trust-k8s/plugin-zero-trust-node';
import { callerRefs } from '../service/declaredCallers';
import { DeclaredPeer } from './flowsInput';

const targets = (entity: Entity, type: string) =>
  (entity.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);

const runs = (ref: string) =>
  ['component', 'resource'].includes(parseEntityRef(ref).kind);

/**
 * The components the catalog declares on either side of this one: its callers (as the
 * authorization drift reads them) and its callees (`dependsOn`, and the providers of the APIs it
 * consumes), each where its pods run (namespace and workload name from its annotations, as the
 * service template generates its policies). Entities whose annotations are unusable are skipped.
 */
export async function declaredPeers(
  entity: Entity,
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<DeclaredPeer[]> {
  const refs = await callerRefs(entity, catalog, credentials);
  targets(entity, RELATION_DEPENDS_ON)
    .filter(runs)
    .forEach(ref => refs.add(ref));
  const apis = targets(entity, RELATION_CONSUMES_API);
  if (apis.length > 0) {
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: apis },
      { credentials },
    );
    for (const api of items) {
      if (api)
        targets(api, RELATION_API_PROVIDED_BY)
          .filter(runs)
          .forEach(ref => refs.add(ref));
    }
  }
  refs.delete(stringifyEntityRef(entity));
  if (refs.size === 0) return [];
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: [...refs] },
    { credentials },
  );
  return items.flatMap(e => {
    if (!e) return [];
    try {
      const peer = servicePeerFromEntity(e);
      return [
        {
          entityRef: stringifyEntityRef(e),
          namespace: peer.namespace,
          name: peer.name,
        },
      ];
    } catch {
      return [];
    }
  });
}
