import { EnvironmentName, ServiceSpec } from './ServiceSpec';
import { ManifestObject, objectMeta, selectorLabels } from './objectMeta';

/**
 * The PodDisruptionBudget of an overlay, or undefined when it runs at most one replica (a budget
 * there could only block drains) or the spec turns it off.
 *
 * Field semantics as in the Kubernetes docs, "Specifying a Disruption Budget for your
 * Application" (https://kubernetes.io/docs/tasks/run-application/configure-pdb/):
 * - maxUnavailable rather than minAvailable, because it keeps its meaning when the replicas
 *   change per environment or through a scale, and works for any controller with a scale
 *   subresource (Deployment, Argo Rollout);
 * - unhealthyPodEvictionPolicy AlwaysAllow, which the docs recommend: pods that never became
 *   ready (crash-looping, misconfigured) can be evicted, so they cannot block a node drain.
 */
export function podDisruptionBudget(
  spec: ServiceSpec,
  env: EnvironmentName,
): ManifestObject | undefined {
  if (
    !spec.podDisruptionBudget.enabled ||
    spec.environments[env].replicas <= 1
  ) {
    return undefined;
  }
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(spec, spec.name),
    spec: {
      maxUnavailable: spec.podDisruptionBudget.maxUnavailable,
      selector: { matchLabels: selectorLabels(spec) },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}

// The label each controller gives the pods of one revision.
const REVISION_LABEL: Record<string, string> = {
  Deployment: 'pod-template-hash',
  Rollout: 'rollouts-pod-template-hash',
};

/**
 * Topology spread of the pods across nodes and zones, per the Kubernetes docs "Pod Topology
 * Spread Constraints" (https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/):
 * - labelSelector picks the pods of this service; matchLabelKeys adds the revision label, so
 *   during a rollout the new revision's pods are spread on their own instead of being counted
 *   with (and crowded out by) the old ones;
 * - nodeTaintsPolicy Honor: nodes whose taints the pod does not tolerate (e.g. control-plane
 *   nodes) are not counted as empty domains, which would otherwise keep pods pending under
 *   DoNotSchedule; nodeAffinityPolicy Honor is the default.
 */
export function topologySpreadConstraints(
  spec: ServiceSpec,
  workloadKind: string,
): Record<string, unknown>[] {
  const { nodes, zones, maxSkew } = spec.topologySpread;
  const constraint = (topologyKey: string, whenUnsatisfiable: string) => ({
    maxSkew,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: selectorLabels(spec) },
    matchLabelKeys: [REVISION_LABEL[workloadKind]],
    nodeTaintsPolicy: 'Honor',
  });
  return [
    ...(nodes === 'none' ? [] : [constraint('kubernetes.io/hostname', nodes)]),
    ...(zones === 'none'
      ? []
      : [constraint('topology.kubernetes.io/zone', zones)]),
  ];
}
