import { NamespacePolicyIndex } from './namespaceChecks';

// Upstream shapes: https://istio.io/latest/docs/reference/config/security/authorization-policy/
// and https://istio.io/latest/docs/reference/config/security/peer_authentication/.
const ns = 'shop';
const defaultDeny = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny', namespace: ns },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
};
const strict = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: ns },
  spec: { mtls: { mode: 'STRICT' } },
};
const ap = (
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
) => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
  spec,
});
const rules = (
  objects: unknown[],
  labels: Record<string, string> = { app: 'web' },
) =>
  new NamespacePolicyIndex(objects as Record<string, unknown>[])
    .check(ns, 'web', labels)
    .map(f => f.rule);

describe('NamespacePolicyIndex (shared Istio rules)', () => {
  it('accepts a root-namespace selector AuthorizationPolicy for a workload in another namespace', () => {
    const root = ap('web', 'istio-system', {
      selector: { matchLabels: { app: 'web' } },
    });
    expect(rules([defaultDeny, strict, root])).toEqual([]);
  });

  it.each([
    ['ALLOW', {}],
    ['DENY', { action: 'DENY', rules: [{}] }],
  ])('does not count a dry-run %s policy', (_, spec) => {
    const dry = ap('p', ns, spec, { 'istio.io/dry-run': 'true' });
    expect(rules([defaultDeny, strict, dry])).toEqual([
      'authorization-policy-present',
    ]);
  });

  it('does not count targetRefs without a waypoint bound to the Service', () => {
    const svcRef = ap('p', ns, {
      targetRefs: [{ kind: 'Service', group: '', name: 'web' }],
    });
    expect(
      rules([defaultDeny, strict, svcRef], {
        app: 'web',
        'istio.io/dataplane-mode': 'ambient',
      } as Record<string, string>),
    ).toEqual(['authorization-policy-present']);
  });

  it('ignores a selector PeerAuthentication in the root namespace', () => {
    const rootSelector = {
      ...strict,
      metadata: { name: 'web', namespace: 'istio-system' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        mtls: { mode: 'STRICT' },
      },
    };
    const allowNothing = ap('allow-nothing', ns, {});
    expect(rules([defaultDeny, rootSelector, allowNothing])).toEqual([
      'peer-authentication-strict',
    ]);
  });

  it('fails a STRICT workload policy that opens a port', () => {
    const opened = {
      ...strict,
      metadata: { name: 'web', namespace: ns },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        mtls: { mode: 'STRICT' },
        portLevelMtls: { 8080: { mode: 'DISABLE' } },
      },
    };
    expect(
      rules([defaultDeny, strict, opened, ap('allow-nothing', ns, {})]),
    ).toEqual(['peer-authentication-strict']);
  });
});
