import { EntityWorkloadQuery } from '@zero-trust-k8s/plugin-zero-trust-node';
import { ClusterSource, KubeObject } from '../sources/types';

/** An entity's workloads in one cluster: its pods and the controllers that own them. */
export interface ClusterWorkloads {
  cluster: ClusterSource;
  pods: KubeObject[];
  controllers: KubeObject[];
}

const CONTROLLER_KINDS: [string, string][] = [
  ['apps', 'Deployment'],
  ['apps', 'ReplicaSet'],
  ['apps', 'StatefulSet'],
  ['apps', 'DaemonSet'],
  ['argoproj.io', 'Rollout'],
];

/**
 * Finds an entity's workloads the way Backstage's kubernetes plugin does: objects whose labels match
 * the entity's selector, narrowed by its namespace and cluster annotations.
 */
export function resolveWorkloads(
  sources: ClusterSource[],
  query: EntityWorkloadQuery,
): ClusterWorkloads[] {
  const matches = (obj: KubeObject) =>
    (!query.namespace || obj.metadata.namespace === query.namespace) &&
    query.selector.matches(obj.metadata.labels);
  return sources
    .filter(cluster => !query.cluster || cluster.name === query.cluster)
    .map(cluster => ({
      cluster,
      pods: cluster.objects('', 'Pod').filter(matches),
      controllers: CONTROLLER_KINDS.flatMap(([group, kind]) =>
        cluster.objects(group, kind),
      ).filter(matches),
    }))
    .filter(w => w.pods.length > 0 || w.controllers.length > 0);
}
