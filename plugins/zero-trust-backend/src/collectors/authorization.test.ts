import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { collectAuthorization } from './authorization';

const ambientNs = obj(
  'v1',
  'Namespace',
  'shop',
  undefined,
  {},
  {
    labels: {
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
    },
  },
);
const waypoint = obj(
  'gateway.networking.k8s.io/v1',
  'Gateway',
  'waypoint',
  'shop',
  {
    spec: {
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
  },
);
const service = obj('v1', 'Service', 'web', 'shop', {
  spec: { selector: { app: 'web' }, ports: [{ port: 8080 }] },
});
const policy = (
  name: string,
  spec: Record<string, unknown>,
  namespace = 'shop',
) =>
  obj('security.istio.io/v1', 'AuthorizationPolicy', name, namespace, { spec });

const allowNothing = policy('allow-nothing', {});
const allowFrontend = policy('web-allow', {
  targetRefs: [{ kind: 'Service', group: '', name: 'web' }],
  action: 'ALLOW',
  rules: [
    {
      from: [
        { source: { principals: ['cluster.local/ns/shop/sa/frontend'] } },
        { source: { namespaces: ['ops'] } },
      ],
      to: [
        { operation: { ports: ['8080'], methods: ['GET'], paths: ['/api/*'] } },
      ],
    },
  ],
});
const base = [ambientNs, waypoint, service, ...deploymentChain('web', 'shop')];

describe('collectAuthorization', () => {
  it('passes with deny-by-default and lists who may call, including targetRefs policies', () => {
    const result = collectAuthorization(
      contextFor([...base, allowNothing, allowFrontend]),
    );
    expect(result.status).toBe('pass');
    expect(result.summary).toBe(
      'Deny by default; allowed callers: shop/frontend, namespace ops.',
    );
    expect(result.details!.denyByDefault).toBe(true);
    expect(result.details!.waypoint).toEqual({
      cluster: 'test',
      namespace: 'shop',
      name: 'waypoint',
    });
    const web = result.details!.policies.find(p => p.name === 'web-allow')!;
    expect(web).toMatchObject({
      scope: 'targetRef',
      action: 'ALLOW',
      allowsNothing: false,
      allowsAnySource: false,
    });
    expect(web.rules).toEqual([
      expect.objectContaining({
        principals: ['cluster.local/ns/shop/sa/frontend'],
        ports: ['8080'],
        methods: ['GET'],
        paths: ['/api/*'],
      }),
      expect.objectContaining({ namespaces: ['ops'], anySource: false }),
    ]);
    expect(
      result.details!.policies.find(p => p.name === 'allow-nothing'),
    ).toMatchObject({ scope: 'namespace', allowsNothing: true });
    expect(result.evidence.map(e => e.kind).sort()).toEqual([
      'AuthorizationPolicy',
      'AuthorizationPolicy',
      'Gateway',
    ]);
  });

  it('passes with only allow-nothing: nobody may call', () => {
    const result = collectAuthorization(contextFor([...base, allowNothing]));
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('Deny by default: no caller is allowed.');
  });

  it('reports DENY policies, and warns when only DENY policies apply', () => {
    const deny = policy('deny-admin', {
      selector: { matchLabels: { app: 'web' } },
      action: 'DENY',
      rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }],
    });
    const withAllow = collectAuthorization(
      contextFor([...base, allowFrontend, deny]),
    );
    expect(withAllow.status).toBe('pass');
    expect(withAllow.summary).toMatch(/1 DENY policy also apply/);
    expect(
      withAllow.details!.policies.find(p => p.action === 'DENY'),
    ).toMatchObject({ scope: 'workload', allowsNothing: false });

    const denyOnly = collectAuthorization(contextFor([...base, deny]));
    expect(denyOnly.status).toBe('warn');
    expect(denyOnly.summary).toMatch(
      /^Only 1 DENY policy; everything else is allowed/,
    );
    expect(denyOnly.details!.denyByDefault).toBe(false);
  });

  it('warns when an ALLOW rule admits any source', () => {
    const openRule = policy('web-open', {
      selector: { matchLabels: { app: 'web' } },
      rules: [{}],
    });
    const star = policy('web-star', {
      selector: { matchLabels: { app: 'web' } },
      rules: [{ from: [{ source: { principals: ['*'] } }] }],
    });
    const result = collectAuthorization(contextFor([...base, openRule, star]));
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(
      /^ALLOW policies web-open, web-star admit any caller/,
    );
  });

  it('applies mesh-wide policies from the root namespace, not from other namespaces', () => {
    const mesh = policy('mesh-allow-nothing', {}, 'istio-system');
    const other = policy('other-allow', { rules: [{}] }, 'elsewhere');
    const result = collectAuthorization(contextFor([...base, mesh, other]));
    expect(result.details!.policies.map(p => [p.name, p.scope])).toEqual([
      ['mesh-allow-nothing', 'mesh'],
    ]);
  });

  it('fails when no policy applies or the pods are outside the mesh', () => {
    expect(collectAuthorization(contextFor(base)).status).toBe('fail');
    const outside = collectAuthorization(
      contextFor([
        obj('v1', 'Namespace', 'shop', undefined),
        ...deploymentChain('web', 'shop'),
        allowNothing,
      ]),
    );
    expect(outside.status).toBe('fail');
    expect(outside.summary).toMatch(/outside the mesh/);
  });

  it('fails when the only policies are Service-attached with no waypoint to enforce them', () => {
    const result = collectAuthorization(
      contextFor([
        obj(
          'v1',
          'Namespace',
          'shop',
          undefined,
          {},
          { labels: { 'istio.io/dataplane-mode': 'ambient' } },
        ),
        service,
        ...deploymentChain('web', 'shop'),
        allowFrontend,
      ]),
    );
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/need a waypoint/);
  });

  it('tolerates malformed policies, ignores unsupported actions, and answers not-installed without Istio', () => {
    const malformed = policy('odd', { rules: 'nope' });
    const result = collectAuthorization(contextFor([...base, malformed]));
    expect(result.details!.policies[0]).toMatchObject({
      action: 'ALLOW',
      allowsNothing: true,
    });
    // Istio ignores an action it does not know (pilot/pkg/model/authorization.go).
    const unknown = collectAuthorization(
      contextFor([...base, policy('odd', { action: 'MAYBE' })]),
    );
    expect(unknown.status).toBe('fail');
    expect(unknown.notes?.join()).toMatch(/unsupported action/);
    expect(
      collectAuthorization(
        contextFor(base, { states: { AuthorizationPolicy: 'not-installed' } }),
      ).status,
    ).toBe('not-installed');
  });

  describe('upstream scope rules (shared Istio module)', () => {
    const plainNs = (labels: Record<string, string> = {}) =>
      obj('v1', 'Namespace', 'shop', undefined, {}, { labels });
    const labelledService = obj(
      'v1',
      'Service',
      'web',
      'shop',
      { spec: { selector: { app: 'web' }, ports: [{ port: 8080 }] } },
      { labels: { 'istio.io/use-waypoint': 'waypoint' } },
    );
    const toGateway = policy('waypoint-allow', {
      targetRefs: [
        {
          kind: 'Gateway',
          group: 'gateway.networking.k8s.io',
          name: 'waypoint',
        },
      ],
      rules: [
        {
          from: [
            { source: { principals: ['cluster.local/ns/shop/sa/frontend'] } },
          ],
        },
      ],
    });

    it.each([
      ['the namespace', [ambientNs, service]],
      [
        'the Service',
        [plainNs({ 'istio.io/dataplane-mode': 'ambient' }), labelledService],
      ],
    ])(
      'applies targetRefs to the waypoint Gateway when %s is bound to it',
      (_, objects) => {
        const result = collectAuthorization(
          contextFor([
            ...objects,
            waypoint,
            ...deploymentChain('web', 'shop'),
            toGateway,
          ]),
        );
        expect(result.status).toBe('pass');
        expect(result.details!.policies.map(p => [p.name, p.scope])).toEqual([
          ['waypoint-allow', 'targetRef'],
        ]);
        expect(result.details!.waypoint).toMatchObject({ name: 'waypoint' });
      },
    );

    it('does not apply targetRefs to a Gateway the workload is not bound to', () => {
      const result = collectAuthorization(
        contextFor([
          plainNs({ 'istio.io/dataplane-mode': 'ambient' }),
          service,
          waypoint,
          ...deploymentChain('web', 'shop'),
          toGateway,
        ]),
      );
      expect(result.status).toBe('fail');
    });

    it.each(['', 'core'])(
      'treats targetRefs group "%s" as the core Service',
      group => {
        const p = policy('svc', {
          targetRefs: [{ kind: 'Service', group, name: 'web' }],
        });
        const result = collectAuthorization(contextFor([...base, p]));
        expect(result.details!.policies.map(x => x.scope)).toEqual([
          'targetRef',
        ]);
      },
    );

    it('ignores targetRefs policies for sidecar pods', () => {
      const result = collectAuthorization(
        contextFor([
          plainNs(),
          service,
          ...deploymentChain('web', 'shop', {
            containers: [{ name: 'server' }, { name: 'istio-proxy' }],
          }),
          allowFrontend,
        ]),
      );
      expect(result.details!.policies).toEqual([]);
      expect(result.status).toBe('fail');
    });

    it('applies a root-namespace selector policy to workloads in other namespaces', () => {
      const rootSelector = policy(
        'web-only-frontend',
        { selector: { matchLabels: { app: 'web' } } },
        'istio-system',
      );
      const otherApp = policy(
        'api-only',
        { selector: { matchLabels: { app: 'api' } } },
        'istio-system',
      );
      const result = collectAuthorization(
        contextFor([...base, rootSelector, otherApp]),
      );
      expect(result.details!.policies.map(p => [p.name, p.scope])).toEqual([
        ['web-only-frontend', 'workload'],
      ]);
      expect(result.status).toBe('pass');
    });

    const dryRun = (p: ReturnType<typeof policy>) => ({
      ...p,
      metadata: {
        ...p.metadata,
        annotations: { 'istio.io/dry-run': 'true' },
      },
    });

    it('does not pass on a dry-run ALLOW, but shows it as evidence', () => {
      const result = collectAuthorization(
        contextFor([...base, dryRun(allowNothing)]),
      );
      expect(result.status).toBe('fail');
      expect(result.summary).toMatch(/dry-run policy is not enforced/);
      expect(result.evidence.map(e => e.name)).toContain('allow-nothing');
      expect(result.details!.policies).toEqual([]);
    });

    it('does not count a dry-run DENY', () => {
      const denyAll = policy('deny-all', { action: 'DENY', rules: [{}] });
      const result = collectAuthorization(
        contextFor([...base, dryRun(denyAll)]),
      );
      expect(result.status).toBe('fail');
      expect(result.details!.policies).toEqual([]);
      const withAllow = collectAuthorization(
        contextFor([...base, allowNothing, dryRun(denyAll)]),
      );
      expect(withAllow.summary).not.toMatch(/DENY/);
    });

    it('a DENY rules [{}] policy denies everything', () => {
      const denyAll = policy('deny-all', { action: 'DENY', rules: [{}] });
      const result = collectAuthorization(contextFor([...base, denyAll]));
      expect(result.details!.denyByDefault).toBe(true);
      expect(result.status).toBe('pass');
    });
  });
});
