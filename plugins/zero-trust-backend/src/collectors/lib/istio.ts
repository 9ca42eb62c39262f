import { KubeObject } from '../../sources/types';
import { LabelSelectorSpec, matchesLabelSelector } from './selectors';

/** How an Istio policy reaches a workload. */
export type IstioPolicyScope = 'workload' | 'namespace' | 'mesh' | 'targetRef';

export interface IstioTargetRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

interface IstioPolicySpec {
  selector?: LabelSelectorSpec;
  targetRef?: IstioTargetRef;
  targetRefs?: IstioTargetRef[];
}

export function specOf<T>(obj: KubeObject): T {
  const spec = obj.spec;
  return (spec && typeof spec === 'object' ? spec : {}) as T;
}

function hasSelector(spec: IstioPolicySpec): boolean {
  const s = spec.selector;
  return (
    !!s &&
    (Object.keys(s.matchLabels ?? {}).length > 0 ||
      (s.matchExpressions ?? []).length > 0)
  );
}

function targetRefsOf(spec: IstioPolicySpec): IstioTargetRef[] {
  const refs = Array.isArray(spec.targetRefs) ? spec.targetRefs : [];
  return spec.targetRef ? [...refs, spec.targetRef] : refs;
}

/**
 * How an Istio policy (PeerAuthentication, AuthorizationPolicy) applies to a pod: by workload
 * selector in the pod's namespace, namespace-wide, mesh-wide from the root namespace, or through
 * `targetRefs` naming one of the workload's Services (enforced by a waypoint) — or not at all.
 */
export function istioPolicyScope(
  policy: KubeObject,
  pod: { namespace?: string; labels?: Record<string, string> },
  options: { rootNamespace: string; serviceNames?: string[] },
): IstioPolicyScope | undefined {
  const spec = specOf<IstioPolicySpec>(policy);
  const ns = policy.metadata.namespace;
  const refs = targetRefsOf(spec);
  if (refs.length > 0) {
    const hit = refs.some(
      r =>
        (r.kind ?? '') === 'Service' &&
        (r.group ?? '') === '' &&
        (r.namespace ?? ns) === pod.namespace &&
        !!r.name &&
        (options.serviceNames ?? []).includes(r.name),
    );
    return hit ? 'targetRef' : undefined;
  }
  if (hasSelector(spec)) {
    return ns === pod.namespace &&
      matchesLabelSelector(spec.selector, pod.labels)
      ? 'workload'
      : undefined;
  }
  if (ns === pod.namespace) return 'namespace';
  if (ns === options.rootNamespace) return 'mesh';
  return undefined;
}

/** Istio resolves conflicts between policies of one level by age: the oldest wins. */
export function oldestFirst(a: KubeObject, b: KubeObject): number {
  const ta = (a.metadata as { creationTimestamp?: string }).creationTimestamp;
  const tb = (b.metadata as { creationTimestamp?: string }).creationTimestamp;
  if (ta && tb && ta !== tb) return ta < tb ? -1 : 1;
  return a.metadata.name.localeCompare(b.metadata.name);
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
