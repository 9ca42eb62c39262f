import { ServiceSpec } from './ServiceSpec';

/**
 * The minimal shape of a Kubernetes object the engine produces and the policy baseline reads.
 *
 * @public
 */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Ownership labels on every object of the service, matching Backstage's kubernetes plugin. */
export function serviceLabels(spec: ServiceSpec): Record<string, string> {
  return {
    app: spec.name,
    'app.kubernetes.io/name': spec.name,
    ...(spec.system ? { 'app.kubernetes.io/part-of': spec.system } : {}),
    'app.kubernetes.io/managed-by': 'zero-trust-backstage',
    'backstage.io/kubernetes-id': spec.name,
  };
}

/** The only label selectors use: stable across releases, so selectors never need to change. */
export function selectorLabels(spec: ServiceSpec): Record<string, string> {
  return { app: spec.name };
}

/**
 * Policy objects must exist before the workload: our Kyverno policies refuse a workload whose
 * namespace lacks them, and pods must not start before their NetworkPolicy and mTLS apply.
 * Argo CD applies lower sync waves first.
 */
export const POLICY_SYNC_WAVE = { 'argocd.argoproj.io/sync-wave': '-1' };

export function objectMeta(
  spec: ServiceSpec,
  name: string,
  extra: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): ManifestObject['metadata'] {
  const annotations = extra.annotations;
  return {
    name,
    namespace: spec.namespace,
    labels: { ...serviceLabels(spec), ...extra.labels },
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  };
}

/** SPIFFE identity Istio gives a workload's ServiceAccount. */
export function istioPrincipal(
  namespace: string,
  serviceAccount: string,
): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

export function waypointName(serviceName: string): string {
  return `${serviceName}-waypoint`;
}

/** Ambient mode with a waypoint: L7 rules are enforced there. */
export function usesWaypoint(spec: ServiceSpec): boolean {
  return (
    spec.mesh.mode === 'ambient' && spec.mesh.waypoint && spec.ports.length > 0
  );
}
