import { MESH_ROOT_NAMESPACE } from './baseline';
import { Finding } from './podChecks';
import { asArray, asObject, groupOf, namespaceOf } from './podTemplates';
import { UnknownObject } from './types';

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

  check(namespace: string, app: string): Finding[] {
    const findings: Finding[] = [];
    if (!this.hasDefaultDeny(namespace)) {
      findings.push({
        policy: 'require-default-deny-networkpolicy',
        rule: 'default-deny-present',
        path: 'metadata.namespace',
      });
    }
    if (!this.hasStrictMtls(namespace, app)) {
      findings.push({
        policy: 'require-mtls-strict',
        rule: 'peer-authentication-strict',
        path: 'metadata.namespace',
      });
    }
    if (!this.hasAuthorizationPolicy(namespace, app)) {
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

  private hasStrictMtls(namespace: string, app: string): boolean {
    const mode = (pa: UnknownObject) => asObject(asObject(pa.spec).mtls).mode;
    const applying = this.inNamespace(
      'security.istio.io/PeerAuthentication',
      namespace,
    ).filter(pa => selectsApp(asObject(pa.spec), app));
    const meshWide = this.inNamespace(
      'security.istio.io/PeerAuthentication',
      MESH_ROOT_NAMESPACE,
    ).filter(pa => isNamespaceWide(asObject(pa.spec)));
    const strict = [...applying, ...meshWide].some(pa => mode(pa) === 'STRICT');
    const relaxed = applying.some(
      pa => mode(pa) === 'PERMISSIVE' || mode(pa) === 'DISABLE',
    );
    return strict && !relaxed;
  }

  private hasAuthorizationPolicy(namespace: string, app: string): boolean {
    const enforcing = (ap: UnknownObject) => {
      const action = asObject(ap.spec).action;
      return action !== 'AUDIT' && action !== 'CUSTOM';
    };
    const key = 'security.istio.io/AuthorizationPolicy';
    return (
      this.inNamespace(key, namespace).some(
        ap =>
          enforcing(ap) &&
          (selectsApp(asObject(ap.spec), app) ||
            targetsService(asObject(ap.spec), app)),
      ) ||
      this.inNamespace(key, MESH_ROOT_NAMESPACE).some(
        ap => enforcing(ap) && isNamespaceWide(asObject(ap.spec)),
      )
    );
  }
}

/** No selector and no targetRef(s): the policy covers the whole namespace. */
function isNamespaceWide(spec: UnknownObject): boolean {
  return (
    Object.keys(asObject(asObject(spec.selector).matchLabels)).length === 0 &&
    spec.targetRef === undefined &&
    spec.targetRefs === undefined
  );
}

function selectsApp(spec: UnknownObject, app: string): boolean {
  if (isNamespaceWide(spec)) {
    return true;
  }
  const selected = asObject(asObject(spec.selector).matchLabels).app;
  return typeof selected === 'string' && selected === app;
}

function targetsService(spec: UnknownObject, app: string): boolean {
  const refs = [spec.targetRef, ...asArray(spec.targetRefs)].map(asObject);
  return refs.some(ref => ref.kind === 'Service' && ref.name === app);
}
