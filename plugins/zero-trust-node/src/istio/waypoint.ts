import {
  DATAPLANE_MODE_LABEL,
  GATEWAY_API_GROUP,
  IstioObject,
  IstioObjectMeta,
  USE_WAYPOINT_LABEL,
  USE_WAYPOINT_NAMESPACE_LABEL,
  WAYPOINT_FOR_LABEL,
} from './objects';

/** A waypoint Gateway by namespace and name. @public */
export interface WaypointRef {
  namespace: string;
  name: string;
}

/**
 * Ambient enrollment by label: `istio.io/dataplane-mode=ambient` on the pod or its namespace, the
 * pod's `none` opting out (https://istio.io/latest/docs/ambient/usage/add-workloads/).
 * A sidecar, when present, wins over this; callers that can see containers check that first.
 *
 * @public
 */
export function ambientEnrollment(
  podLabels: Record<string, string> | undefined,
  namespaceLabels: Record<string, string> | undefined,
): 'pod label' | 'namespace label' | undefined {
  const podMode = podLabels?.[DATAPLANE_MODE_LABEL];
  if (podMode === 'ambient') return 'pod label';
  if (podMode === 'none') return undefined;
  return namespaceLabels?.[DATAPLANE_MODE_LABEL] === 'ambient'
    ? 'namespace label'
    : undefined;
}

/**
 * The waypoint an object's labels name: `istio.io/use-waypoint` (the value `none` opts out), in
 * the namespace of `istio.io/use-waypoint-namespace` or the object's own.
 * Follows GetUseWaypoint in pilot/pkg/serviceregistry/ambient/waypoints.go.
 */
export function useWaypointOf(
  meta: IstioObjectMeta | undefined,
  defaultNamespace: string,
): WaypointRef | 'none' | undefined {
  const name = meta?.labels?.[USE_WAYPOINT_LABEL];
  if (name === undefined) return undefined;
  if (name === 'none') return 'none';
  return {
    name,
    namespace: meta?.labels?.[USE_WAYPOINT_NAMESPACE_LABEL] ?? defaultNamespace,
  };
}

/**
 * Which waypoint a Service or a pod is bound to: its own label first (`none` opts out even when
 * the namespace names one), else its namespace's label. Follows fetchWaypointForTarget in
 * pilot/pkg/serviceregistry/ambient/waypoints.go and
 * https://istio.io/latest/docs/ambient/usage/waypoint/#configure-a-pod-to-use-a-specific-waypoint.
 *
 * @public
 */
export function waypointBinding(
  object: IstioObjectMeta,
  namespace: IstioObjectMeta | undefined,
): WaypointRef | undefined {
  const ns = object.namespace ?? '';
  const own = useWaypointOf(object, ns);
  if (own === 'none') return undefined;
  if (own) return own;
  const inherited = useWaypointOf(namespace, ns);
  return inherited === 'none' ? undefined : inherited;
}

/**
 * The traffic a waypoint Gateway handles: `istio.io/waypoint-for` on the Gateway, else on its
 * GatewayClass, else `service` (waypoints.go: default traffic type).
 */
export function waypointTrafficType(
  gateway: IstioObject,
  gatewayClass?: IstioObject,
): string {
  return (
    gateway.metadata.labels?.[WAYPOINT_FOR_LABEL] ??
    gatewayClass?.metadata.labels?.[WAYPOINT_FOR_LABEL] ??
    'service'
  );
}

/** The Gateway of a waypoint reference among the given Gateways, if it exists. */
export function findWaypointGateway(
  ref: WaypointRef,
  gateways: readonly IstioObject[],
): IstioObject | undefined {
  return gateways.find(
    g =>
      g.metadata.name === ref.name &&
      g.metadata.namespace === ref.namespace &&
      (g.apiVersion ?? GATEWAY_API_GROUP).startsWith(GATEWAY_API_GROUP),
  );
}

/**
 * The waypoint that receives traffic for a Service or a pod, when its Gateway exists and accepts
 * that traffic type: `service`/`all` for a Service, `workload`/`all` for a pod
 * (fetchWaypointForService / fetchWaypointForWorkload in waypoints.go).
 *
 * @public
 */
export function effectiveWaypoint(
  target: 'service' | 'workload',
  object: IstioObjectMeta,
  namespace: IstioObjectMeta | undefined,
  gateways: readonly IstioObject[],
): { ref?: WaypointRef; gateway?: IstioObject; problem?: string } {
  const ref = waypointBinding(object, namespace);
  if (!ref) return {};
  const gateway = findWaypointGateway(ref, gateways);
  if (!gateway) {
    return {
      ref,
      problem: `waypoint ${ref.namespace}/${ref.name} is named by ${USE_WAYPOINT_LABEL} but no such Gateway exists`,
    };
  }
  const traffic = waypointTrafficType(gateway);
  if (traffic !== target && traffic !== 'all') {
    return {
      ref,
      problem: `waypoint ${ref.namespace}/${ref.name} is for ${traffic} traffic, not ${target} traffic`,
    };
  }
  return { ref, gateway };
}
