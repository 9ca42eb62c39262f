import { ServicePeerSpec, ServiceSpec } from './ServiceSpec';
import {
  ManifestObject,
  POLICY_SYNC_WAVE,
  objectMeta,
  selectorLabels,
  usesWaypoint,
  waypointName,
} from './objectMeta';

/** Istio's ports that cross the pod boundary. */
export const MESH_PORTS = {
  /** HBONE: the mTLS tunnel of ambient mode (ztunnel and waypoints). */
  hbone: 15008,
  /** istiod's xDS and CA endpoint, which every sidecar and waypoint calls. */
  istiod: 15012,
  /** The merged Prometheus endpoint of sidecars and waypoints. */
  metrics: 15020,
} as const;

const WAYPOINT_POD_LABEL = 'gateway.networking.k8s.io/gateway-name';

const tcp = (port: number) => ({ protocol: 'TCP', port });

const inNamespace = (namespace: string, podLabels: Record<string, string>) => ({
  namespaceSelector: {
    matchLabels: { 'kubernetes.io/metadata.name': namespace },
  },
  podSelector: { matchLabels: podLabels },
});

const peerSelector = (peer: ServicePeerSpec) =>
  inNamespace(peer.namespace, { app: peer.name });

const DNS_EGRESS = {
  to: [inNamespace('kube-system', { 'k8s-app': 'kube-dns' })],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

const ISTIOD_EGRESS = {
  to: [inNamespace('istio-system', { app: 'istiod' })],
  ports: [tcp(MESH_PORTS.istiod)],
};

/**
 * Denies all ingress and egress in the namespace for pods no other policy selects. Each service
 * ships its own copy under its own name: Argo CD then never prunes the namespace's only
 * default-deny when one service is removed.
 */
export function defaultDenyPolicy(spec: ServiceSpec): ManifestObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(spec, `${spec.name}-default-deny`, {
      annotations: POLICY_SYNC_WAVE,
    }),
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

function ingressRules(spec: ServiceSpec) {
  const ambient = spec.mesh.mode === 'ambient';
  const servicePorts = spec.ports.map(p => tcp(p.port));
  const rules: unknown[] = [];
  if (spec.callers.length > 0) {
    rules.push({
      from: spec.callers.map(peerSelector),
      // Ambient callers arrive through HBONE on 15008, sidecar callers on the service ports.
      ports: ambient ? [...servicePorts, tcp(MESH_PORTS.hbone)] : servicePorts,
    });
  }
  if (usesWaypoint(spec)) {
    rules.push({
      from: [
        {
          podSelector: {
            matchLabels: { [WAYPOINT_POD_LABEL]: waypointName(spec.name) },
          },
        },
      ],
      ports: [tcp(MESH_PORTS.hbone)],
    });
  }
  if (!ambient) {
    rules.push({
      from: [
        {
          namespaceSelector: {
            matchLabels: {
              'kubernetes.io/metadata.name': spec.monitoringNamespace,
            },
          },
        },
      ],
      ports: [tcp(MESH_PORTS.metrics)],
    });
  }
  return rules;
}

function egressRules(spec: ServiceSpec) {
  const ambient = spec.mesh.mode === 'ambient';
  const rules: unknown[] = [DNS_EGRESS];
  for (const callee of spec.callees) {
    const ports = callee.ports.map(p => tcp(p.port));
    rules.push({
      to: [peerSelector(callee)],
      ports: ambient ? [...ports, tcp(MESH_PORTS.hbone)] : ports,
    });
  }
  if (ambient && spec.callees.length > 0) {
    // A callee with a waypoint is reached through it (our naming: <callee>-waypoint).
    rules.push({
      to: spec.callees.map(callee =>
        inNamespace(callee.namespace, {
          [WAYPOINT_POD_LABEL]: waypointName(callee.name),
        }),
      ),
      ports: [tcp(MESH_PORTS.hbone)],
    });
  }
  if (!ambient) {
    rules.push(ISTIOD_EGRESS);
  }
  if (spec.cloudIdentity.provider === 'gke') {
    // GKE's metadata server hands out Workload Identity tokens: 169.254.169.254:80, and
    // 169.254.169.252:988 under GKE Dataplane V2.
    rules.push({
      to: [{ ipBlock: { cidr: '169.254.169.254/32' } }],
      ports: [tcp(80)],
    });
    rules.push({
      to: [{ ipBlock: { cidr: '169.254.169.252/32' } }],
      ports: [tcp(988)],
    });
  }
  return rules;
}

/**
 * The service's segmentation: ingress only from declared callers on the service ports, egress
 * only to declared callees, DNS and the mesh control plane. External hosts are allowed by the
 * CiliumNetworkPolicy; Cilium unions both kinds of policy.
 */
export function servicePolicy(spec: ServiceSpec): ManifestObject {
  const ingress = ingressRules(spec);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(spec, spec.name, { annotations: POLICY_SYNC_WAVE }),
    spec: {
      podSelector: { matchLabels: selectorLabels(spec) },
      policyTypes: ['Ingress', 'Egress'],
      ...(ingress.length ? { ingress } : {}),
      egress: egressRules(spec),
    },
  };
}

/**
 * The waypoint's pods are in the same namespace, so the default-deny covers them too: they must
 * accept HBONE from the callers, reach the service's pods and istiod, and be scraped.
 */
export function waypointPolicy(spec: ServiceSpec): ManifestObject | undefined {
  if (!usesWaypoint(spec)) {
    return undefined;
  }
  const name = waypointName(spec.name);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(spec, name, { annotations: POLICY_SYNC_WAVE }),
    spec: {
      podSelector: { matchLabels: { [WAYPOINT_POD_LABEL]: name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        ...(spec.callers.length
          ? [
              {
                from: spec.callers.map(peerSelector),
                ports: [tcp(MESH_PORTS.hbone)],
              },
            ]
          : []),
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: {
                  'kubernetes.io/metadata.name': spec.monitoringNamespace,
                },
              },
            },
          ],
          ports: [tcp(MESH_PORTS.metrics)],
        },
      ],
      egress: [
        DNS_EGRESS,
        {
          to: [{ podSelector: { matchLabels: selectorLabels(spec) } }],
          ports: [tcp(MESH_PORTS.hbone)],
        },
        ISTIOD_EGRESS,
      ],
    },
  };
}
