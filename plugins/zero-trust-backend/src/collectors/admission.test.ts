import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { collectAdmission } from './admission';

const [deployment, rs, pod] = deploymentChain('adservice', 'shop');
const workload = [deployment, rs, pod];

const report = (
  apiVersion: string,
  kind: string,
  name: string,
  extra: Record<string, unknown>,
  namespace: string | undefined = 'shop',
) => obj(apiVersion, kind, name, namespace, extra);
const result = (policy: string, outcome: string, extra: object = {}) => ({
  policy,
  rule: `${policy}-rule`,
  result: outcome,
  severity: 'medium',
  source: 'kyverno',
  ...extra,
});

const run = (objects: object[], options?: Parameters<typeof contextFor>[1]) =>
  collectAdmission(
    contextFor([...workload, ...(objects as any[])], {
      selector: 'app=adservice',
      ...options,
    }),
  );

describe('collectAdmission', () => {
  it('fails on a failing result of a PolicyReport scoped to the Deployment, with counts by policy', () => {
    const r = run([
      report('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'r1', {
        scope: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'adservice',
          namespace: 'shop',
        },
        results: [
          result('require-ro-rootfs', 'fail'),
          result('disallow-latest-tag', 'pass'),
          result('disallow-latest-tag', 'pass'),
        ],
      }),
    ]);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('1 failing check: require-ro-rootfs.');
    expect(r.details!.counts).toEqual({
      pass: 2,
      fail: 1,
      warn: 0,
      error: 0,
      skip: 0,
    });
    expect(r.details!.byPolicy).toEqual([
      expect.objectContaining({ policy: 'require-ro-rootfs', fail: 1 }),
      expect.objectContaining({ policy: 'disallow-latest-tag', pass: 2 }),
    ]);
    expect(r.details!.findings[0]).toMatchObject({
      resource: 'Deployment/adservice',
      cluster: 'test',
    });
    expect(r.evidence).toEqual([
      expect.objectContaining({
        kind: 'PolicyReport',
        name: 'r1',
        uid: 'uid-PolicyReport-r1',
        cluster: 'test',
      }),
    ]);
  });

  it('reads openreports.io Reports, scopes by UID, and results that name resources', () => {
    const byUid = run([
      report('openreports.io/v1alpha1', 'Report', 'r2', {
        scope: { kind: 'Pod', name: 'renamed', uid: pod.metadata.uid },
        results: [result('p', 'pass')],
      }),
    ]);
    expect(byUid.status).toBe('pass');
    expect(byUid.evidence[0].kind).toBe('Report');

    const byResources = run([
      report('openreports.io/v1alpha1', 'Report', 'r3', {
        results: [
          result('p', 'warn', {
            resources: [{ kind: 'Pod', name: pod.metadata.name }],
          }),
          result('q', 'fail', {
            resources: [{ kind: 'Pod', name: 'someone-else' }],
          }),
        ],
      }),
    ]);
    expect(byResources.status).toBe('warn');
    expect(byResources.details!.findings).toHaveLength(1);
  });

  it('counts cluster-scoped reports (ClusterPolicyReport, ClusterReport) that name our resources', () => {
    const r = run([
      report(
        'wgpolicyk8s.io/v1alpha2',
        'ClusterPolicyReport',
        'c1',
        {
          results: [
            result('p', 'error', {
              resources: [
                { kind: 'Deployment', name: 'adservice', namespace: 'shop' },
              ],
            }),
          ],
        },
        undefined,
      ),
    ]);
    expect(r.status).toBe('fail');
    expect(r.details!.counts.error).toBe(1);
  });

  it('ignores Falco alerts, other workloads, and reports in other namespaces', () => {
    const r = run([
      report('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'mine', {
        scope: { kind: 'Deployment', name: 'adservice' },
        results: [
          result('p', 'pass'),
          {
            policy: 'Terminal shell in container',
            result: 'fail',
            source: 'Falco',
          },
        ],
      }),
      report('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'other', {
        scope: { kind: 'Deployment', name: 'cartservice' },
        results: [result('p', 'fail')],
      }),
      report(
        'wgpolicyk8s.io/v1alpha2',
        'PolicyReport',
        'other-ns',
        {
          scope: { kind: 'Deployment', name: 'adservice' },
          results: [result('p', 'fail')],
        },
        'elsewhere',
      ),
    ]);
    expect(r.status).toBe('pass');
    expect(r.evidence.map(e => e.name)).toEqual(['mine']);
  });

  it('adds failed Trivy config audit checks', () => {
    const r = run(
      [
        report(
          'aquasecurity.github.io/v1alpha1',
          'ConfigAuditReport',
          'replicaset-adservice-abc',
          {
            report: {
              checks: [
                {
                  checkID: 'KSV014',
                  title: 'Root file system is not read-only',
                  severity: 'HIGH',
                  success: false,
                },
              ],
            },
          },
          'shop',
        ),
      ].map(o => ({
        ...o,
        metadata: {
          ...o.metadata,
          labels: {
            'trivy-operator.resource.kind': 'ReplicaSet',
            'trivy-operator.resource.name': 'adservice-abc',
            'trivy-operator.resource.namespace': 'shop',
          },
        },
      })),
    );
    expect(r.status).toBe('fail');
    expect(r.details!.findings[0]).toMatchObject({
      policy: 'KSV014',
      severity: 'high',
      source: 'trivy',
      resource: 'ReplicaSet/adservice-abc',
    });
  });

  it('is unknown without reports, notes malformed ones, and says not-installed without any report CRD', () => {
    expect(run([]).status).toBe('unknown');
    const malformed = run([
      report('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'bad', {
        scope: { kind: 'Deployment', name: 'adservice' },
        results: 'nope',
      }),
      report('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'bad2', {
        scope: { kind: 'Deployment', name: 'adservice' },
        results: [null, 7, result('p', 'skip')],
      }),
    ]);
    expect(malformed.status).toBe('unknown');
    expect(malformed.summary).toBe('Every admission check was skipped (1).');
    expect(malformed.notes).toEqual([
      'PolicyReport shop/bad has no results list',
    ]);
    expect(
      run([], {
        states: {
          PolicyReport: 'not-installed',
          Report: 'not-installed',
          ConfigAuditReport: 'not-installed',
        },
      }).status,
    ).toBe('not-installed');
  });
});
