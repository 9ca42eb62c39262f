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

  it('warns when Service-attached policies have no waypoint to enforce them', () => {
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
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(/need a waypoint/);
  });

  it('tolerates malformed policies and answers not-installed without Istio', () => {
    const malformed = policy('odd', { rules: 'nope', action: 'MAYBE' });
    const result = collectAuthorization(contextFor([...base, malformed]));
    expect(result.details!.policies[0]).toMatchObject({
      action: 'ALLOW',
      allowsNothing: true,
    });
    expect(
      collectAuthorization(
        contextFor(base, { states: { AuthorizationPolicy: 'not-installed' } }),
      ).status,
    ).toBe('not-installed');
  });
});
