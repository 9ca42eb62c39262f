import {
  authorizationPolicyScope,
  effectivePeerAuthentication,
} from '@zero-trust-k8s/plugin-zero-trust-node';
import { KubeObject } from '../../sources/types';

/** How an Istio policy reaches a workload. */
export type IstioPolicyScope = 'workload' | 'namespace' | 'mesh' | 'targetRef';

export function specOf<T>(obj: KubeObject): T {
  const spec = obj.spec;
  return (spec && typeof spec === 'object' ? spec : {}) as T;
}

/**
 * Whether an Istio policy (PeerAuthentication, AuthorizationPolicy) may apply to a pod, by the
 * shared Istio rules of plugin-zero-trust-node. Without waypoint data, a `targetRefs` policy
 * naming one of the pod's Services is assumed to apply (callers use this to flag drift, where
 * over-reporting is the safe side). The collectors use the full rules directly.
 */
export function istioPolicyScope(
  policy: KubeObject,
  pod: { namespace?: string; labels?: Record<string, string> },
  options: { rootNamespace: string; serviceNames?: string[] },
): IstioPolicyScope | undefined {
  const namespace = pod.namespace ?? '';
  const labels = pod.labels ?? {};
  if (policy.kind === 'PeerAuthentication') {
    const e = effectivePeerAuthentication(
      [policy],
      { namespace, labels, dataplane: 'sidecar' },
      options.rootNamespace,
    );
    if (e.used.length === 0) return undefined;
    const hasSelector =
      Object.keys(
        (specOf<{ selector?: { matchLabels?: object } }>(policy).selector
          ?.matchLabels ?? {}) as object,
      ).length > 0;
    if (hasSelector) return 'workload';
    return policy.metadata.namespace === namespace ? 'namespace' : 'mesh';
  }
  const assumedWaypoint = { namespace, name: '' };
  return authorizationPolicyScope(
    policy,
    {
      namespace,
      labels,
      dataplane: 'ambient',
      services: (options.serviceNames ?? []).map(name => ({
        namespace,
        name,
        waypoint: assumedWaypoint,
      })),
    },
    options.rootNamespace,
  )?.scope;
}

/** `cluster.local/ns/shop/sa/cart`: the SPIFFE principal of a ServiceAccount. */
export function principalOf(
  trustDomain: string,
  namespace: string,
  serviceAccount: string,
): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * Istio's string match: exact, `prefix*`, `*suffix` or `*`. Principals and namespaces in
 * AuthorizationPolicies use it.
 */
export function istioStringMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}
