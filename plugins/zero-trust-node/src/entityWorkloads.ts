import { Entity } from '@backstage/catalog-model';
import { LabelSelector } from './labelSelector';

/** The annotations Backstage's kubernetes plugin uses; we read the same ones. @public */
export const KUBERNETES_ANNOTATIONS = {
  id: 'backstage.io/kubernetes-id',
  labelSelector: 'backstage.io/kubernetes-label-selector',
  namespace: 'backstage.io/kubernetes-namespace',
  cluster: 'backstage.io/kubernetes-cluster',
} as const;

/**
 * Where an entity's workloads run: the objects matching `selector`, in `namespace` when set,
 * on `cluster` when set (otherwise every configured cluster).
 *
 * @public
 */
export interface EntityWorkloadQuery {
  selector: LabelSelector;
  namespace?: string;
  cluster?: string;
}

/**
 * Maps an entity to its workloads the way Backstage's kubernetes plugin does: an explicit
 * label selector wins, otherwise objects labelled `backstage.io/kubernetes-id=<id>`.
 * Returns undefined for an entity without either annotation.
 *
 * @public
 */
export function workloadQueryForEntity(
  entity: Entity,
): EntityWorkloadQuery | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const explicit = annotations[KUBERNETES_ANNOTATIONS.labelSelector];
  const id = annotations[KUBERNETES_ANNOTATIONS.id];
  let selector: LabelSelector;
  if (explicit) {
    selector = LabelSelector.parse(explicit);
  } else if (id) {
    selector = LabelSelector.parse(`${KUBERNETES_ANNOTATIONS.id}=${id}`);
  } else {
    return undefined;
  }
  return {
    selector,
    namespace: annotations[KUBERNETES_ANNOTATIONS.namespace] || undefined,
    cluster: annotations[KUBERNETES_ANNOTATIONS.cluster] || undefined,
  };
}
