import { ServicePeerSpec, ServiceSpec } from './ServiceSpec';
import {
  ManifestObject,
  POLICY_SYNC_WAVE,
  istioPrincipal,
  objectMeta,
  selectorLabels,
  usesWaypoint,
  waypointName,
} from './objectMeta';

/** Istio objects of a service, and what the engine could not express. */
export interface IstioObjects {
  objects: ManifestObject[];
  warnings: string[];
}

/** mTLS only: plain-text connections to the workload are refused. */
export function peerAuthentication(spec: ServiceSpec): ManifestObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: objectMeta(spec, spec.name, { annotations: POLICY_SYNC_WAVE }),
    spec: {
      selector: { matchLabels: selectorLabels(spec) },
      mtls: { mode: 'STRICT' },
    },
  };
}

const callerPrincipal = (peer: ServicePeerSpec) =>
  istioPrincipal(peer.namespace, peer.serviceAccount ?? peer.name);

const hasL7Rules = (peer: ServicePeerSpec) =>
  peer.grpcPaths.length > 0 ||
  peer.httpMethods.length > 0 ||
  peer.httpPaths.length > 0;

const portStrings = (spec: ServiceSpec, protocol?: string) =>
  spec.ports
    .filter(p => !protocol || p.protocol === protocol)
    .map(p => String(p.port));

/** One ALLOW rule per caller and protocol: its principal, to its paths/methods on those ports. */
function l7Rules(spec: ServiceSpec) {
  return spec.callers.flatMap(caller => {
    const from = [{ source: { principals: [callerPrincipal(caller)] } }];
    if (!hasL7Rules(caller)) {
      return [{ from, to: [{ operation: { ports: portStrings(spec) } }] }];
    }
    const rules = [];
    if (caller.grpcPaths.length) {
      rules.push({
        from,
        to: [
          {
            operation: {
              ports: portStrings(spec, 'grpc'),
              paths: caller.grpcPaths,
            },
          },
        ],
      });
    }
    if (caller.httpMethods.length || caller.httpPaths.length) {
      rules.push({
        from,
        to: [
          {
            operation: {
              ports: portStrings(spec, 'http'),
              ...(caller.httpMethods.length
                ? { methods: caller.httpMethods }
                : {}),
              ...(caller.httpPaths.length ? { paths: caller.httpPaths } : {}),
            },
          },
        ],
      });
    }
    return rules;
  });
}

/** Principals and ports only: what ztunnel can enforce without a waypoint. */
function l4Rules(spec: ServiceSpec) {
  if (spec.callers.length === 0) {
    return [];
  }
  return [
    {
      from: [{ source: { principals: spec.callers.map(callerPrincipal) } }],
      to: [{ operation: { ports: portStrings(spec) } }],
    },
  ];
}

function authorizationPolicy(
  spec: ServiceSpec,
  name: string,
  target: Record<string, unknown>,
  rules: unknown[],
): ManifestObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: objectMeta(spec, name, { annotations: POLICY_SYNC_WAVE }),
    // An ALLOW policy without rules matches nothing: the workload accepts no calls at all.
    spec: { ...target, action: 'ALLOW', ...(rules.length ? { rules } : {}) },
  };
}

/**
 * The waypoint of this service. Its labels deliberately leave out `app` and the Backstage id:
 * Istio copies a Gateway's labels onto the waypoint's pods, which must not match the service's
 * selectors or be counted as its workload.
 */
function waypoint(spec: ServiceSpec): ManifestObject {
  const { labels } = objectMeta(spec, '');
  const {
    app,
    'app.kubernetes.io/name': _n,
    'backstage.io/kubernetes-id': _id,
    ...kept
  } = labels!;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name: waypointName(spec.name),
      namespace: spec.namespace,
      labels: { ...kept, 'istio.io/waypoint-for': 'service' },
      annotations: { ...POLICY_SYNC_WAVE, 'zero-trust.io/waypoint-of': app },
    },
    spec: {
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
  };
}

/**
 * PeerAuthentication STRICT and the AuthorizationPolicy allowing the declared callers.
 *
 * - sidecar: the workload's own proxy enforces L7 rules; the policy selects the pods.
 * - ambient with a waypoint: L7 rules target the Service and run in the waypoint; the workload
 *   itself (ztunnel, L4) accepts only the waypoint's identity.
 * - ambient without a waypoint: ztunnel cannot see paths or methods, so the rules fall back to
 *   principals and ports, and a warning says so.
 */
export function istioObjects(spec: ServiceSpec): IstioObjects {
  const selector = { selector: { matchLabels: selectorLabels(spec) } };
  const objects: ManifestObject[] = [peerAuthentication(spec)];
  const warnings: string[] = [];

  if (spec.mesh.mode === 'sidecar') {
    objects.push(authorizationPolicy(spec, spec.name, selector, l7Rules(spec)));
    return { objects, warnings };
  }
  if (usesWaypoint(spec)) {
    const gateway = waypoint(spec);
    const waypointIdentity = istioPrincipal(
      spec.namespace,
      gateway.metadata.name,
    );
    objects.push(
      gateway,
      authorizationPolicy(
        spec,
        spec.name,
        { targetRefs: [{ kind: 'Service', group: '', name: spec.name }] },
        l7Rules(spec),
      ),
      authorizationPolicy(spec, `${spec.name}-from-waypoint`, selector, [
        {
          from: [{ source: { principals: [waypointIdentity] } }],
          to: [{ operation: { ports: portStrings(spec) } }],
        },
      ]),
    );
    return { objects, warnings };
  }
  objects.push(authorizationPolicy(spec, spec.name, selector, l4Rules(spec)));
  const l7Callers = spec.callers.filter(hasL7Rules).map(c => c.name);
  if (l7Callers.length) {
    warnings.push(
      `${
        spec.name
      }: ambient mode without a waypoint enforces L4 only; the gRPC paths and HTTP methods declared for ${l7Callers.join(
        ', ',
      )} are not enforced (callers are limited by identity and port). Set mesh.waypoint to true to enforce them.`,
    );
  }
  if (spec.canary.enabled && spec.ports.length) {
    warnings.push(
      `${spec.name}: ambient mode without a waypoint produces no request metrics, so the canary's success-rate and authorization-deny gates have no data; only the Falco gate is effective.`,
    );
  }
  return { objects, warnings };
}
