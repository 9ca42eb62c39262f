/**
 * The Istio rules shared by the backend collectors and the manifest validator work on objects in
 * this minimal shape, which both a live Kubernetes object and a parsed YAML document satisfy.
 *
 * Upstream references are to istio/istio at commit 86c9f01fd735fb01d8192f5bcaf0d424afb7f14c
 * (1.31 development line) unless a doc page is named.
 */

/** The metadata fields the Istio rules read. @public */
export interface IstioObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
}

/** A Kubernetes object as the Istio rules read it. @public */
export interface IstioObject {
  apiVersion?: string;
  kind?: string;
  metadata: IstioObjectMeta;
  spec?: unknown;
}

/** How a pod takes part in the mesh. @public */
export type IstioDataplane = 'sidecar' | 'ambient' | 'none';

/** Istio's default root namespace (MeshConfig.rootNamespace). @public */
export const ISTIO_DEFAULT_ROOT_NAMESPACE = 'istio-system';

export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
export const USE_WAYPOINT_NAMESPACE_LABEL = 'istio.io/use-waypoint-namespace';
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
export const DRY_RUN_ANNOTATION = 'istio.io/dry-run';
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** pkg/config/constants/constants.go: WaypointGatewayClassName. */
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const specOf = (o: IstioObject): Record<string, unknown> =>
  isRecord(o.spec) ? o.spec : {};

/**
 * The `matchLabels` of an Istio WorkloadSelector. Istio's selector has no `matchExpressions`
 * (istio/api type/v1beta1/selector.proto), so only these labels count.
 */
export function workloadSelectorLabels(
  spec: Record<string, unknown>,
): Record<string, string> {
  const selector = isRecord(spec.selector) ? spec.selector : {};
  const labels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  return Object.fromEntries(
    Object.entries(labels).map(([k, v]) => [k, String(v)]),
  );
}

/** `labels.Instance.SubsetOf` (pkg/config/labels/instance.go): every selector label is on the workload. */
export function selectorSubsetOf(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * Istio resolves conflicts within one level by age, oldest first
 * (pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication; sortConfigByCreationTime
 * in pilot/pkg/model breaks ties by name, then namespace).
 */
export function oldestFirst(a: IstioObject, b: IstioObject): number {
  const ta = a.metadata.creationTimestamp;
  const tb = b.metadata.creationTimestamp;
  if (ta && tb && ta !== tb) return ta < tb ? -1 : 1;
  return (
    a.metadata.name.localeCompare(b.metadata.name) ||
    (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '')
  );
}

/** `namespace/name`, for messages. */
export const refOf = (o: IstioObject) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
