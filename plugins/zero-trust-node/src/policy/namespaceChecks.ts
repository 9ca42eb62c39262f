import {
  IstioObject,
  authorizationActionOf,
  authorizationPolicyScope,
  effectivePeerAuthentication,
  effectiveWaypoint,
  isDryRun,
  requiresMtls,
} from '../istio';
import { ambientEnrollment } from '../istio/waypoint';
import { MESH_ROOT_NAMESPACE } from './baseline';
import { Finding } from './podChecks';
import { asArray, asObject, groupOf, namespaceOf } from './podTemplates';
import { UnknownObject } from './types';

/** A YAML document in the shape the shared Istio rules read. */
function asIstioObject(o: UnknownObject): IstioObject {
  const meta = asObject(o.metadata);
  const strings = (v: unknown) =>
    Object.fromEntries(
      Object.entries(asObject(v)).map(([k, x]) => [k, String(x)]),
    );
  return {
    apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : undefined,
    kind: typeof o.kind === 'string' ? o.kind : undefined,
    metadata: {
      name: typeof meta.name === 'string' ? meta.name : '',
      namespace: namespaceOf(o),
      labels: strings(meta.labels),
      annotations: strings(meta.annotations),
      ...(typeof meta.creationTimestamp === 'string'
        ? { creationTimestamp: meta.creationTimestamp }
        : {}),
    },
    spec: o.spec,
  };
}

/**
 * Checks that need other objects of the set: the namespace's NetworkPolicies and the Istio
 * policies that apply to a workload. Workloads are matched by their `app` label, our convention
 * (and what the Kyverno policies can express in JMESPath).
 */
export class NamespacePolicyIndex {
  private readonly byKind = new Map<string, UnknownObject[]>();

  constructor(objects: UnknownObject[]) {
    for (const object of objects) {
      if (
        typeof object.apiVersion !== 'string' ||
        typeof object.kind !== 'string'
      ) {
        continue;
      }
      const key = `${groupOf(object.apiVersion)}/${object.kind}`;
      this.byKind.set(key, [...(this.byKind.get(key) ?? []), object]);
    }
  }

  private inNamespace(key: string, namespace: string): UnknownObject[] {
    return (this.byKind.get(key) ?? []).filter(
      o => namespaceOf(o) === namespace,
    );
  }

  private istio(key: string): IstioObject[] {
    return (this.byKind.get(key) ?? []).map(asIstioObject);
  }

  /**
   * The workload as the shared Istio rules see it. Generated pods get their sidecar at admission,
   * so a pod that is not ambient (pod or namespace label) counts as a sidecar pod.
   */
  private meshWorkload(namespace: string, podLabels: Record<string, string>) {
    const ns = this.istio('/Namespace').find(
      n => n.metadata.name === namespace,
    );
    const ambient = ambientEnrollment(podLabels, ns?.metadata.labels);
    return {
      namespace,
      labels: podLabels,
      dataplane: ambient ? ('ambient' as const) : ('sidecar' as const),
      namespaceObject: ns,
    };
  }

  check(
    namespace: string,
    app: string,
    podLabels: Record<string, string> = app ? { app } : {},
  ): Finding[] {
    const findings: Finding[] = [];
    if (!this.hasDefaultDeny(namespace)) {
      findings.push({
        policy: 'require-default-deny-networkpolicy',
        rule: 'default-deny-present',
        path: 'metadata.namespace',
      });
    }
    if (!this.hasStrictMtls(namespace, podLabels)) {
      findings.push({
        policy: 'require-mtls-strict',
        rule: 'peer-authentication-strict',
        path: 'metadata.namespace',
      });
    }
    if (!this.hasAuthorizationPolicy(namespace, podLabels)) {
      findings.push({
        policy: 'require-authorization-policy',
        rule: 'authorization-policy-present',
        path: 'metadata.namespace',
      });
    }
    return findings;
  }

  /** podSelector {} (no labels, no expressions), both policy types, no rules at all. */
  private hasDefaultDeny(namespace: string): boolean {
    return this.inNamespace('networking.k8s.io/NetworkPolicy', namespace).some(
      np => {
        const spec = asObject(np.spec);
        const selector = asObject(spec.podSelector);
        const types = asArray(spec.policyTypes);
        return (
          Object.keys(asObject(selector.matchLabels)).length === 0 &&
          asArray(selector.matchExpressions).length === 0 &&
          types.includes('Ingress') &&
          types.includes('Egress') &&
          asArray(spec.ingress).length === 0 &&
          asArray(spec.egress).length === 0
        );
      },
    );
  }

  /** The effective PeerAuthentication (shared Istio rules) is STRICT on every port. */
  private hasStrictMtls(
    namespace: string,
    podLabels: Record<string, string>,
  ): boolean {
    const workload = this.meshWorkload(namespace, podLabels);
    return requiresMtls(
      effectivePeerAuthentication(
        this.istio('security.istio.io/PeerAuthentication'),
        workload,
        MESH_ROOT_NAMESPACE,
      ),
    );
  }

  /**
   * An enforced (not dry-run) ALLOW or DENY AuthorizationPolicy applies by the shared Istio rules;
   * `targetRefs` count only through a waypoint bound in this set of objects.
   */
  private hasAuthorizationPolicy(
    namespace: string,
    podLabels: Record<string, string>,
  ): boolean {
    const workload = this.meshWorkload(namespace, podLabels);
    const gateways = this.istio('gateway.networking.k8s.io/Gateway');
    const services = this.istio('/Service').filter(s => {
      const selector = asObject(asObject(s.spec).selector);
      return (
        s.metadata.namespace === namespace &&
        Object.keys(selector).length > 0 &&
        Object.entries(selector).every(([k, v]) => podLabels[k] === String(v))
      );
    });
    const target = {
      ...workload,
      services: services.map(s => {
        const wp = effectiveWaypoint(
          'service',
          s.metadata,
          workload.namespaceObject?.metadata,
          gateways,
        );
        return {
          namespace,
          name: s.metadata.name,
          ...(wp.gateway ? { waypoint: wp.ref } : {}),
        };
      }),
    };
    return this.istio('security.istio.io/AuthorizationPolicy').some(p => {
      const action = authorizationActionOf(p);
      return (
        (action === 'ALLOW' || action === 'DENY') &&
        !isDryRun(p) &&
        !!authorizationPolicyScope(p, target, MESH_ROOT_NAMESPACE)
      );
    });
  }
}
