import {
  checkManifests,
  kyvernoRuleName,
  workloadsInExcludedNamespaces,
} from './checkManifests';

const restrictedPod = (overrides: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'p' } },
  spec: {
    securityContext: {
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'c',
        image: 'registry.example.com/app:1',
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
      },
    ],
    ...overrides,
  },
});

const namespacePolicies = (namespace: string) => [
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny', namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace },
    spec: { mtls: { mode: 'STRICT' } },
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'deny-all', namespace },
    spec: {},
  },
];

describe('checkManifests', () => {
  it('treats objects without a namespace as in default, like Kyverno', () => {
    expect(
      checkManifests([restrictedPod(), ...namespacePolicies('default')]),
    ).toEqual([]);
    expect(
      checkManifests([restrictedPod(), ...namespacePolicies('other')]).map(
        v => v.policy,
      ),
    ).toEqual([
      'require-default-deny-networkpolicy',
      'require-mtls-strict',
      'require-authorization-policy',
    ]);
  });

  it('ignores values that are not objects and objects without kind or name', () => {
    expect(
      checkManifests([
        null,
        42,
        'x',
        [],
        { kind: 'Pod' },
        { apiVersion: 'v1', kind: 'Pod' },
      ]),
    ).toEqual([]);
  });

  it('does not crash on malformed pod specs and reports them', () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'default' },
      spec: { template: { spec: { containers: 'nope', volumes: [null, 7] } } },
    };
    const rules = checkManifests([broken, ...namespacePolicies('default')]).map(
      v => v.rule,
    );
    expect(rules).toEqual(['run-as-non-root', 'check-seccomp-strict']);
  });

  it('reports every offending container', () => {
    const pod = restrictedPod();
    const container = (pod.spec.containers as any[])[0];
    (pod.spec as any).containers = [
      { ...container, name: 'a', image: 'x:latest' },
      { ...container, name: 'b', image: 'y:latest' },
    ];
    expect(
      checkManifests([pod, ...namespacePolicies('default')]).map(v => v.path),
    ).toEqual(['spec.containers[0].image', 'spec.containers[1].image']);
  });

  it('honours custom excluded namespaces', () => {
    const pod = {
      ...restrictedPod(),
      metadata: { name: 'p', namespace: 'legacy' },
    };
    expect(checkManifests([pod], { excludedNamespaces: ['legacy'] })).toEqual(
      [],
    );
  });

  it('lists the workloads it skips in excluded namespaces, and only workloads', () => {
    const inNamespace = (namespace: string, name = 'p') => ({
      ...restrictedPod({ containers: [{ name: 'c', image: 'x:latest' }] }),
      metadata: { name, namespace },
    });
    const objects = [
      inNamespace('kube-system', 'a'),
      inNamespace('istio-system', 'b'),
      inNamespace('kyverno', 'c'),
      inNamespace('kube-public', 'd'),
      inNamespace('kube-node-lease', 'e'),
      inNamespace('legacy', 'f'),
      inNamespace('online-boutique', 'g'),
      // Mesh-wide policy context, not a workload.
      ...namespacePolicies('istio-system'),
    ];
    // checkManifests skips the first three, like the ClusterPolicies: a pass would vouch for nothing.
    expect(checkManifests(objects.slice(0, 3))).toEqual([]);
    expect(
      workloadsInExcludedNamespaces(objects).map(
        r => `${r.kind} ${r.namespace}/${r.name}`,
      ),
    ).toEqual([
      'Pod kube-system/a',
      'Pod istio-system/b',
      'Pod kyverno/c',
      'Pod kube-public/d',
      'Pod kube-node-lease/e',
    ]);
    expect(
      workloadsInExcludedNamespaces(objects, {
        excludedNamespaces: ['legacy'],
      }).map(r => r.name),
    ).toEqual(['a', 'd', 'e', 'f']);
  });

  it.each([
    ['Pod', 'v1', 'require-drop-all'],
    ['Deployment', 'apps/v1', 'autogen-require-drop-all'],
    ['CronJob', 'batch/v1', 'autogen-cronjob-require-drop-all'],
    ['Rollout', 'argoproj.io/v1alpha1', 'require-drop-all-rollout'],
  ])(
    'maps %s violations to Kyverno rule names',
    (kind, apiVersion, expected) => {
      expect(
        kyvernoRuleName({
          policy: 'disallow-capabilities-strict',
          rule: 'require-drop-all',
          resource: { apiVersion, kind, name: 'x' },
        }),
      ).toBe(expected);
    },
  );

  it('keeps set-level rule names for every kind', () => {
    expect(
      kyvernoRuleName({
        policy: 'require-mtls-strict',
        rule: 'peer-authentication-strict',
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' },
      }),
    ).toBe('peer-authentication-strict');
  });
});
