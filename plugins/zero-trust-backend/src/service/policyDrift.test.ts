import { AuthorizationDetails } from '@zero-trust-k8s/plugin-zero-trust-common';
import { computePolicyDrift, principalMatches } from './policyDrift';

const rule = (
  over: Partial<AuthorizationDetails['policies'][0]['rules'][0]>,
) => ({
  principals: [],
  notPrincipals: [],
  namespaces: [],
  notNamespaces: [],
  ipBlocks: [],
  anySource: false,
  ports: [],
  methods: [],
  paths: [],
  notPaths: [],
  conditions: 0,
  ...over,
});

const policy = (
  name: string,
  rules: ReturnType<typeof rule>[],
  action: 'ALLOW' | 'DENY' = 'ALLOW',
) => ({
  cluster: 'c',
  namespace: 'shop',
  name,
  action,
  scope: 'workload' as const,
  allowsNothing: rules.length === 0,
  allowsAnySource: rules.some(r => r.anySource),
  rules,
});

const caller = (name: string, ns = 'shop') => ({
  entityRef: `component:default/${name}`,
  namespace: ns,
  principal: `cluster.local/ns/${ns}/sa/${name}`,
});

describe('computePolicyDrift', () => {
  it('matches principals like Istio: exact, prefix, suffix and *', () => {
    expect(
      principalMatches('cluster.local/ns/a/sa/b', 'cluster.local/ns/a/sa/b'),
    ).toBe(true);
    expect(
      principalMatches('cluster.local/ns/a/*', 'cluster.local/ns/a/sa/b'),
    ).toBe(true);
    expect(principalMatches('*/sa/b', 'cluster.local/ns/a/sa/b')).toBe(true);
    expect(principalMatches('*', 'anything')).toBe(true);
    expect(
      principalMatches('cluster.local/ns/a/sa/c', 'cluster.local/ns/a/sa/b'),
    ).toBe(false);
  });

  it('lists declared callers no ALLOW rule admits, and admitted principals nobody declared', () => {
    const drift = computePolicyDrift(
      {
        denyByDefault: true,
        policies: [
          policy('allow', [
            rule({
              principals: [
                'cluster.local/ns/shop/sa/frontend',
                'cluster.local/ns/ops/sa/debug',
              ],
            }),
          ]),
          // A DENY rule admits nobody.
          policy(
            'deny',
            [rule({ principals: ['cluster.local/ns/shop/sa/checkout'] })],
            'DENY',
          ),
        ],
      },
      [
        caller('frontend'),
        caller('checkout'),
        { entityRef: 'component:default/odd', reason: 'bad annotation' },
      ],
      'cluster.local',
    );
    expect(drift.declaredNotAllowed).toEqual([
      {
        entityRef: 'component:default/checkout',
        principal: 'cluster.local/ns/shop/sa/checkout',
      },
    ]);
    expect(drift.allowedNotDeclared).toEqual([
      {
        principal: 'cluster.local/ns/ops/sa/debug',
        policy: { cluster: 'c', namespace: 'shop', name: 'allow' },
      },
    ]);
    expect(drift.unresolved).toEqual([
      { entityRef: 'component:default/odd', reason: 'bad annotation' },
    ]);
  });

  it('counts namespace rules and any-source rules, and ignores the waypoint identity', () => {
    const drift = computePolicyDrift(
      {
        denyByDefault: true,
        waypoint: { cluster: 'c', namespace: 'shop', name: 'waypoint' },
        policies: [
          policy('ns', [rule({ namespaces: ['shop', 'monitoring'] })]),
          policy('wp', [
            rule({ principals: ['cluster.local/ns/shop/sa/waypoint'] }),
          ]),
          policy('open', [rule({ anySource: true })]),
        ],
      },
      [caller('frontend')],
      'cluster.local',
    );
    expect(drift.declaredNotAllowed).toEqual([]);
    expect(drift.allowedNotDeclared).toEqual([
      {
        namespace: 'monitoring',
        policy: expect.objectContaining({ name: 'ns' }),
      },
      { principal: '*', policy: expect.objectContaining({ name: 'open' }) },
    ]);
  });

  it('reports nobody as not allowed when no ALLOW policy applies (everything is allowed)', () => {
    const drift = computePolicyDrift(
      { denyByDefault: false, policies: [] },
      [caller('frontend')],
      'cluster.local',
    );
    expect(drift.declaredNotAllowed).toEqual([]);
  });
});
