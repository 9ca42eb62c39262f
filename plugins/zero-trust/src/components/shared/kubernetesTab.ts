import { Entity } from '@backstage/catalog-model';
import {
  AppTree,
  appTreeApiRef,
  coreExtensionData,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { joinPath, useEntityPageUrl } from './entityPage';

/** The annotations that make the kubernetes plugin show its tab (its `isKubernetesAvailable`). */
export const KUBERNETES_ANNOTATIONS = [
  'backstage.io/kubernetes-id',
  'backstage.io/kubernetes-label-selector',
];

/** Whether the entity carries an annotation the kubernetes plugin looks its objects up by. */
export function hasKubernetesAnnotations(entity: Entity): boolean {
  return KUBERNETES_ANNOTATIONS.some(a =>
    Boolean(entity.metadata.annotations?.[a]),
  );
}

/**
 * The path of the kubernetes plugin's entity tab under the entity page, when the app (new
 * frontend system) has that tab and shows it for this entity: the tab's own route path (an app
 * may have moved it) and its own filter decide, so the link exists exactly when the tab does.
 */
export function findKubernetesTab(
  tree: AppTree,
  entity: Entity,
): string | undefined {
  for (const node of tree.nodes.values()) {
    const plugin = node.spec.plugin as { pluginId?: string; id?: string };
    const instance = node.instance;
    if ((plugin?.pluginId ?? plugin?.id) !== 'kubernetes' || !instance) {
      continue;
    }
    // Only entity tabs output a title for the tab bar.
    if (!instance.getData(EntityContentBlueprint.dataRefs.title)) continue;
    const path = instance.getData(coreExtensionData.routePath);
    if (!path) continue;
    const filter = instance.getData(
      EntityContentBlueprint.dataRefs.filterFunction,
    );
    const shown = filter ? filter(entity) : hasKubernetesAnnotations(entity);
    if (shown) return path;
  }
  return undefined;
}

/**
 * The URL of the entity's Kubernetes tab, or `undefined` when there is none to link to.
 *
 * - `path` a string: the app says where the tab is (legacy apps, whose routes cannot be read);
 *   the link shows for entities with the kubernetes annotations.
 * - `path` false: never link.
 * - `path` undefined: the new frontend system's app tree says whether the tab exists for this
 *   entity and where; a legacy app without `path` gets no link, never a broken one.
 */
export function useKubernetesTabLink(
  entity: Entity,
  path?: string | false,
): string | undefined {
  const tree = useApiHolder().get(appTreeApiRef)?.getTree().tree;
  const pageUrl = useEntityPageUrl()(entity);
  if (path === false || !pageUrl) return undefined;
  if (typeof path === 'string') {
    return hasKubernetesAnnotations(entity)
      ? joinPath(pageUrl, path)
      : undefined;
  }
  const found = tree ? findKubernetesTab(tree, entity) : undefined;
  return found ? joinPath(pageUrl, found) : undefined;
}
