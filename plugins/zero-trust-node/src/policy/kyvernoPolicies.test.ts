import YAML from 'yaml';
import { BASELINE_POLICIES, EXCLUDED_NAMESPACES } from './baseline';
import { zeroTrustKyvernoPolicies } from './kyvernoPolicies';

const policies = zeroTrustKyvernoPolicies();
const SET_LEVEL = [
  'require-default-deny-networkpolicy',
  'require-mtls-strict',
  'require-authorization-policy',
];
const rulesOf = (name: string) =>
  (policies.find(p => p.metadata.name === name)!.spec.rules as any[]).map(
    r => r.name,
  );

describe('zeroTrustKyvernoPolicies', () => {
  it('ships one Enforce ClusterPolicy per baseline policy', () => {
    expect(policies.map(p => p.metadata.name).sort()).toEqual(
      Object.keys(BASELINE_POLICIES).sort(),
    );
    for (const policy of policies) {
      expect(policy.apiVersion).toBe('kyverno.io/v1');
      expect(policy.kind).toBe('ClusterPolicy');
      expect(policy.spec).not.toHaveProperty('validationFailureAction');
      expect(policy.spec.background).toBe(true);
      for (const rule of policy.spec.rules as any[]) {
        expect(rule.validate.failureAction).toBe('Enforce');
        expect(rule.exclude).toEqual({
          any: [{ resources: { namespaces: [...EXCLUDED_NAMESPACES] } }],
        });
        // Kyverno drops user rules whose name starts with autogen-.
        expect(rule.name).not.toMatch(/^autogen-/);
        expect(rule.name.length).toBeLessThanOrEqual(63);
      }
    }
  });

  it('excludes the namespaces a platform names from every rule', () => {
    const namespaces = [...EXCLUDED_NAMESPACES, 'falco', 'kube-bench'];
    for (const policy of zeroTrustKyvernoPolicies({
      excludedNamespaces: namespaces,
    })) {
      for (const rule of policy.spec.rules as any[]) {
        expect(rule.exclude).toEqual({ any: [{ resources: { namespaces } }] });
      }
    }
  });

  it('names the rules like our violations, with a Rollout twin for pod rules', () => {
    for (const [policy, { rules }] of Object.entries(BASELINE_POLICIES)) {
      const expected = Object.keys(rules).flatMap(rule =>
        SET_LEVEL.includes(policy) ? [rule] : [rule, `${rule}-rollout`],
      );
      expect(rulesOf(policy).sort()).toEqual(expected.sort());
    }
  });

  it('matches Pods (autogen covers controllers) and Rollouts explicitly', () => {
    const policy = policies.find(p => p.metadata.name === 'require-ro-rootfs')!;
    const [podRule, rolloutRule] = policy.spec.rules as any[];
    expect(podRule.match).toEqual({ any: [{ resources: { kinds: ['Pod'] } }] });
    expect(podRule.validate.foreach[0].list).toBe(
      'request.object.spec.[ephemeralContainers, initContainers, containers][]',
    );
    expect(rolloutRule.match).toEqual({
      any: [{ resources: { kinds: ['argoproj.io/v1alpha1/Rollout'] } }],
    });
    expect(rolloutRule.validate.foreach[0].list).toBe(
      'request.object.spec.template.spec.[ephemeralContainers, initContainers, containers][]',
    );
  });

  it('writes set-level rules once for every workload kind, autogen off', () => {
    for (const name of SET_LEVEL) {
      const policy = policies.find(p => p.metadata.name === name)!;
      expect(
        policy.metadata.annotations[
          'pod-policies.kyverno.io/autogen-controllers'
        ],
      ).toBe('none');
      const [rule] = policy.spec.rules as any[];
      expect(rule.match.any[0].resources.kinds).toEqual(
        expect.arrayContaining([
          'Pod',
          'Deployment',
          'CronJob',
          'argoproj.io/v1alpha1/Rollout',
        ]),
      );
      expect(rule.context.map((c: any) => c.name)).toEqual(
        expect.arrayContaining(['namespace', 'app']),
      );
    }
  });

  it('reads the Istio policies, Services, Gateways and Namespaces with [] when a list call fails', () => {
    for (const name of SET_LEVEL) {
      const policy = policies.find(p => p.metadata.name === name)!;
      const [rule] = policy.spec.rules as any[];
      const calls = rule.context.filter((c: any) => c.apiCall);
      expect(calls.length).toBeGreaterThan(0);
      for (const c of calls) expect(c.apiCall.default).toBeDefined();
    }
    const authorization = policies.find(
      p => p.metadata.name === 'require-authorization-policy',
    )!;
    const [rule] = authorization.spec.rules as any[];
    expect(rule.context.map((c: any) => c.name)).toEqual(
      expect.arrayContaining([
        'podLabels',
        'ambient',
        'services',
        'gateways',
        'waypointServices',
      ]),
    );
  });

  it('serializes to YAML and back unchanged', () => {
    const text = policies.map(p => YAML.stringify(p)).join('---\n');
    expect(YAML.parseAllDocuments(text).map(d => d.toJS())).toEqual(policies);
  });
});
