import { ServiceSpec } from './ServiceSpec';
import {
  ManifestObject,
  POLICY_SYNC_WAVE,
  objectMeta,
  selectorLabels,
  usesWaypoint,
  waypointName,
} from './objectMeta';
import { needsServiceAccountToken, portName } from './workload';

function workloadIdentityAnnotations(
  spec: ServiceSpec,
): Record<string, string> {
  switch (spec.cloudIdentity.provider) {
    case 'gke':
      return {
        'iam.gke.io/gcp-service-account': spec.cloudIdentity.gcpServiceAccount,
      };
    case 'eks':
      return { 'eks.amazonaws.com/role-arn': spec.cloudIdentity.roleArn };
    default:
      return {};
  }
}

/** The workload's own identity: its Istio principal and, when configured, its cloud identity. */
export function serviceAccount(spec: ServiceSpec): ManifestObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: objectMeta(spec, spec.name, {
      annotations: {
        ...POLICY_SYNC_WAVE,
        ...workloadIdentityAnnotations(spec),
      },
    }),
    automountServiceAccountToken: needsServiceAccountToken(spec),
  };
}

/** The Service; undefined for a workload without ports (e.g. a load generator). */
export function service(spec: ServiceSpec): ManifestObject | undefined {
  if (spec.ports.length === 0) {
    return undefined;
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(spec, spec.name, {
      // Sends this Service's traffic through its waypoint, where L7 authorization happens.
      labels: usesWaypoint(spec)
        ? { 'istio.io/use-waypoint': waypointName(spec.name) }
        : {},
    }),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(spec),
      ports: spec.ports.map((p, i) => ({
        name: portName(spec, i),
        port: p.port,
        targetPort: portName(spec, i),
        protocol: 'TCP',
        // Istio picks the protocol from appProtocol, so gRPC and HTTP get L7 handling.
        appProtocol: p.protocol,
      })),
    },
  };
}
