import {
  AuthorizationTarget,
  authorizationDecision,
  authorizationPolicyScope,
  isDryRun,
  targetsServiceWithoutWaypoint,
} from './authorizationPolicy';
import { IstioObject } from './objects';
import {
  allowAll,
  allowNothing,
  denyAll,
  dryRunDeny,
  gatewayTargetRef,
  serviceTargetRef,
} from './__fixtures__/upstream';

const ROOT = 'istio-system';
const waypoint = { namespace: 'default', name: 'waypoint' };

const ambient = (
  over: Partial<AuthorizationTarget> = {},
): AuthorizationTarget => ({
  namespace: 'default',
  labels: { app: 'productpage' },
  dataplane: 'ambient',
  services: [{ namespace: 'default', name: 'productpage', waypoint }],
  ...over,
});

const withMeta = (
  p: IstioObject,
  meta: Partial<IstioObject['metadata']>,
): IstioObject => ({ ...p, metadata: { ...p.metadata, ...meta } });

describe('authorizationPolicyScope', () => {
  describe('targetRefs to a Service', () => {
    it.each(['', 'core'])(
      'group "%s" attaches through the Service waypoint',
      group => {
        expect(
          authorizationPolicyScope(serviceTargetRef(group), ambient(), ROOT),
        ).toEqual({ scope: 'targetRef', waypoint });
      },
    );

    it('does not apply when the Service has no waypoint', () => {
      const target = ambient({
        services: [{ namespace: 'default', name: 'productpage' }],
      });
      expect(
        authorizationPolicyScope(serviceTargetRef(''), target, ROOT),
      ).toBeUndefined();
      expect(targetsServiceWithoutWaypoint(serviceTargetRef(''), target)).toBe(
        true,
      );
    });

    it('is ignored by sidecars', () => {
      expect(
        authorizationPolicyScope(
          serviceTargetRef(''),
          ambient({ dataplane: 'sidecar' }),
          ROOT,
        ),
      ).toBeUndefined();
    });

    it('needs the policy in the Service namespace', () => {
      expect(
        authorizationPolicyScope(
          withMeta(serviceTargetRef(''), { namespace: ROOT }),
          ambient(),
          ROOT,
        ),
      ).toBeUndefined();
    });

    it('takes the deprecated targetRef when targetRefs is empty', () => {
      const legacy: IstioObject = {
        ...serviceTargetRef(''),
        spec: {
          targetRef: { kind: 'Service', group: '', name: 'productpage' },
        },
      };
      expect(authorizationPolicyScope(legacy, ambient(), ROOT)?.scope).toBe(
        'targetRef',
      );
    });
  });

  describe('targetRefs to the waypoint Gateway', () => {
    it('applies when a Service of the workload is bound to it (label on the Service or namespace)', () => {
      expect(
        authorizationPolicyScope(gatewayTargetRef(), ambient(), ROOT),
      ).toEqual({ scope: 'targetRef', waypoint });
    });

    it('applies when the pod itself is bound to it for workload traffic', () => {
      const target = ambient({
        services: [],
        workloadWaypoint: waypoint,
      });
      expect(
        authorizationPolicyScope(gatewayTargetRef(), target, ROOT)?.scope,
      ).toBe('targetRef');
    });

    it('does not apply to a workload bound to another waypoint', () => {
      const target = ambient({
        services: [
          {
            namespace: 'default',
            name: 'productpage',
            waypoint: { namespace: 'default', name: 'other' },
          },
        ],
      });
      expect(
        authorizationPolicyScope(gatewayTargetRef(), target, ROOT),
      ).toBeUndefined();
    });

    it('from the root namespace only reaches waypoints in the root namespace', () => {
      expect(
        authorizationPolicyScope(gatewayTargetRef(ROOT), ambient(), ROOT),
      ).toBeUndefined();
      const rootWaypoint = { namespace: ROOT, name: 'waypoint' };
      expect(
        authorizationPolicyScope(
          gatewayTargetRef(ROOT),
          ambient({
            services: [
              {
                namespace: 'default',
                name: 'productpage',
                waypoint: rootWaypoint,
              },
            ],
          }),
          ROOT,
        ),
      ).toEqual({ scope: 'targetRef', waypoint: rootWaypoint });
    });

    it('the istio-waypoint GatewayClass from the root namespace reaches every waypoint', () => {
      const policy: IstioObject = {
        ...gatewayTargetRef(ROOT),
        spec: {
          targetRefs: [
            {
              kind: 'GatewayClass',
              group: 'gateway.networking.k8s.io',
              name: 'istio-waypoint',
            },
          ],
        },
      };
      expect(authorizationPolicyScope(policy, ambient(), ROOT)?.scope).toBe(
        'targetRef',
      );
    });
  });

  describe('selector and namespace-wide policies', () => {
    const selectorPolicy = (namespace: string): IstioObject => ({
      ...allowNothing,
      metadata: { name: 'p', namespace },
      spec: { selector: { matchLabels: { app: 'productpage' } } },
    });

    it.each(['sidecar', 'ambient'] as const)(
      'a root-namespace selector policy applies in every namespace (%s)',
      dataplane => {
        expect(
          authorizationPolicyScope(
            selectorPolicy(ROOT),
            ambient({ dataplane, namespace: 'shop' }),
            ROOT,
          ),
        ).toEqual({ scope: 'workload' });
      },
    );

    it('a selector policy in another namespace does not apply', () => {
      expect(
        authorizationPolicyScope(selectorPolicy('other'), ambient(), ROOT),
      ).toBeUndefined();
    });

    it('without a selector: namespace-wide, or mesh-wide from the root namespace', () => {
      expect(
        authorizationPolicyScope(
          withMeta(allowNothing, { namespace: 'default' }),
          ambient(),
          ROOT,
        ),
      ).toEqual({ scope: 'namespace' });
      expect(
        authorizationPolicyScope(
          withMeta(allowNothing, { namespace: ROOT }),
          ambient(),
          ROOT,
        ),
      ).toEqual({ scope: 'mesh' });
    });

    it('nothing applies to pods outside the mesh', () => {
      expect(
        authorizationPolicyScope(
          withMeta(allowNothing, { namespace: 'default' }),
          ambient({ dataplane: 'none' }),
          ROOT,
        ),
      ).toBeUndefined();
    });
  });
});

describe('authorizationDecision', () => {
  const dryRunAllow = withMeta(allowNothing, {
    annotations: { 'istio.io/dry-run': 'true' },
  });

  it('an ALLOW policy without rules denies by default; rules [{}] allow everything', () => {
    expect(authorizationDecision([allowNothing])).toMatchObject({
      denyByDefault: true,
      allowsEverything: false,
    });
    expect(authorizationDecision([allowAll])).toMatchObject({
      denyByDefault: true,
      allowsEverything: true,
    });
  });

  it('DENY rules [{}] deny everything; DENY alone is not deny-by-default', () => {
    expect(authorizationDecision([denyAll])).toMatchObject({
      denyByDefault: false,
      deniesEverything: true,
    });
  });

  it('a dry-run ALLOW does not make deny-by-default', () => {
    const d = authorizationDecision([dryRunAllow]);
    expect(d.denyByDefault).toBe(false);
    expect(d.dryRun).toEqual([dryRunAllow]);
  });

  it('a dry-run DENY is not enforced', () => {
    const d = authorizationDecision([
      withMeta(denyAll, { annotations: { 'istio.io/dry-run': 'true' } }),
      dryRunDeny,
    ]);
    expect(d.deniesEverything).toBe(false);
    expect(d.enforced.deny).toEqual([]);
    expect(d.dryRun).toHaveLength(2);
  });

  it('AUDIT and CUSTOM do not make deny-by-default', () => {
    const audit = { ...allowAll, spec: { action: 'AUDIT', rules: [{}] } };
    const custom = {
      ...allowAll,
      spec: { action: 'CUSTOM', provider: { name: 'ext' }, rules: [{}] },
    };
    const d = authorizationDecision([audit, custom]);
    expect(d.denyByDefault).toBe(false);
    expect(d.enforced.custom).toEqual([custom]);
  });

  it.each([
    ['true', true],
    ['True', true],
    ['1', true],
    ['false', false],
    ['yes', false],
  ])('istio.io/dry-run "%s" parses like Go ParseBool: %s', (value, dry) => {
    expect(
      isDryRun(
        withMeta(allowNothing, { annotations: { 'istio.io/dry-run': value } }),
      ),
    ).toBe(dry);
  });
});
